/**
 * Fan-out between server processes that serve the same workspaces. A process publishes each
 * update after it is persisted, and each awareness change; the others apply them to their
 * copy and pass them to their own clients. The database stays the source of truth: a room
 * subscribes first and then loads from the store, so nothing published in between is missed.
 */
export interface FanoutHandlers {
  onUpdate(update: Uint8Array): void;
  onAwareness(update: Uint8Array): void;
}

export interface Fanout {
  /** Starts hearing about a workspace; resolves once subscribed; returns the unsubscribe. */
  subscribe(workspaceId: string, handlers: FanoutHandlers): Promise<() => Promise<void>>;
  publishUpdate(workspaceId: string, update: Uint8Array): Promise<void>;
  publishAwareness(workspaceId: string, update: Uint8Array): Promise<void>;
  /**
   * Calls `listener` whenever messages may have been missed (the connection to the broker
   * dropped and is back, subscriptions restored): every loaded doc should catch up from the
   * store. Returns the unsubscribe.
   */
  onResync(listener: () => void): () => void;
  close(): Promise<void>;
}
