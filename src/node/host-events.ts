/**
 * The host's events to its windows (see HostEvents in the contract). Each window registers a
 * sender under its caller id; an event caused by one window goes to all the others.
 */
import type { HostEventMessage } from '../shared/host-contract.ts';

export class HostEventBus {
  private readonly windows = new Map<string, (message: HostEventMessage) => void>();

  /** Registers a window; returns the unregister. */
  attach(callerId: string, send: (message: HostEventMessage) => void): () => void {
    this.windows.set(callerId, send);
    return () => this.windows.delete(callerId);
  }

  /** Sends to every window but `exceptCallerId` (the one the event came from). */
  emit(message: HostEventMessage, exceptCallerId?: string): void {
    for (const [id, send] of this.windows) {
      if (id === exceptCallerId) continue;
      try {
        send(message);
      } catch {
        // A window that is closing cannot take it; it reloads from the cache when it opens again.
      }
    }
  }
}
