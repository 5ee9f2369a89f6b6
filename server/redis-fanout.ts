/**
 * Fan-out through Redis pub/sub. Pub/sub rather than Streams: a Yjs update is idempotent and
 * commutative, and every update is in the shared database before it is published, so a
 * message a process misses (say, while its Redis connection drops) costs nothing that a
 * reload from the database does not restore — which is what a process does when it
 * resubscribes. Streams would add retention and trimming to manage for no gain in
 * correctness.
 *
 * Channel per workspace and kind: `driftdesk:<workspaceId>:update|awareness`. Each message
 * starts with the publishing process's 16-byte id so a process skips its own messages.
 *
 * Redis going away: node-redis reconnects by itself and restores the subscriptions; publishes
 * made meanwhile wait in its offline queue (bounded, see OFFLINE_QUEUE_MAX). When either
 * connection is ready again, the process tells its rooms to catch up from the database
 * (onResync) and publishes a resync on `driftdesk:resync`, so the other processes catch up too:
 * a publish this process lost while its own connection was down reaches them that way.
 */
import { randomBytes } from 'node:crypto';
import { createClient } from 'redis';
import type { Fanout, FanoutHandlers } from './fanout.ts';

/** Publishes kept while Redis is away; past this they fail (and the resync covers them). */
const OFFLINE_QUEUE_MAX = 10_000;
const RESYNC_CHANNEL = 'driftdesk:resync';

const makeClient = (url: string) => createClient({ url, commandsQueueMaxLength: OFFLINE_QUEUE_MAX });
type Client = ReturnType<typeof makeClient>;

export class RedisFanout implements Fanout {
  private readonly processId = randomBytes(16);
  private readonly resyncListeners = new Set<() => void>();
  /** Subscribe calls still waiting for Redis; a resync waits for them so none is missed. */
  private readonly pending = new Set<Promise<unknown>>();
  private closed = false;

  private constructor(
    private readonly publisher: Client,
    private readonly subscriber: Client,
    private readonly onError: (err: unknown) => void,
  ) {}

  static async connect(url: string, onError: (err: unknown) => void = () => {}): Promise<RedisFanout> {
    const publisher = makeClient(url);
    const subscriber = makeClient(url);
    // Each reconnect attempt reports an error: say it once per outage, not every attempt.
    let down = false;
    const reportOnce = (err: unknown) => {
      if (down) return;
      down = true;
      onError(err);
    };
    publisher.on('error', reportOnce);
    subscriber.on('error', reportOnce);
    await Promise.all([publisher.connect(), subscriber.connect()]);
    const fanout = new RedisFanout(publisher, subscriber, onError);
    const back = (which: 'publisher' | 'subscriber') => () => {
      down = false;
      void fanout.reconnected(which);
    };
    publisher.on('ready', back('publisher'));
    subscriber.on('ready', back('subscriber'));
    await subscriber.subscribe(RESYNC_CHANNEL, (message: Buffer) => {
      if (message.length >= 16 && !message.subarray(0, 16).equals(fanout.processId)) fanout.resync();
    }, true);
    return fanout;
  }

  async subscribe(workspaceId: string, handlers: FanoutHandlers): Promise<() => Promise<void>> {
    const listen = (apply: (update: Uint8Array) => void) => (message: Buffer) => {
      if (message.length < 16 || message.subarray(0, 16).equals(this.processId)) return;
      try {
        apply(new Uint8Array(message.subarray(16)));
      } catch (err) {
        this.onError(err);
      }
    };
    const updates = listen(handlers.onUpdate);
    const awareness = listen(handlers.onAwareness);
    const subscribed = Promise.all([
      this.subscriber.subscribe(channel(workspaceId, 'update'), updates, true),
      this.subscriber.subscribe(channel(workspaceId, 'awareness'), awareness, true),
    ]);
    if (this.subscriber.isReady) {
      await subscribed;
    } else {
      // Redis is away: the room loads from the database now rather than waiting; the
      // subscription goes through when Redis is back, and the resync then catches the room up.
      this.track(subscribed);
    }
    return async () => {
      const unsubscribed = Promise.all([
        this.subscriber.unsubscribe(channel(workspaceId, 'update'), updates, true),
        this.subscriber.unsubscribe(channel(workspaceId, 'awareness'), awareness, true),
      ]);
      if (this.subscriber.isReady) await unsubscribed;
      else this.track(unsubscribed);
    };
  }

  async publishUpdate(workspaceId: string, update: Uint8Array): Promise<void> {
    await this.publisher.publish(channel(workspaceId, 'update'), Buffer.concat([this.processId, update]));
  }

  async publishAwareness(workspaceId: string, update: Uint8Array): Promise<void> {
    // Presence is ephemeral and resent by clients: while Redis is away it is dropped, not queued.
    if (!this.publisher.isReady) return;
    await this.publisher.publish(channel(workspaceId, 'awareness'), Buffer.concat([this.processId, update]));
  }

  onResync(listener: () => void): () => void {
    this.resyncListeners.add(listener);
    return () => this.resyncListeners.delete(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    // quit() waits for Redis; while it is away, stop trying instead.
    const end = (client: Client) => (client.isReady ? client.quit() : client.destroy());
    await Promise.allSettled([end(this.subscriber), end(this.publisher)]);
  }

  private track(work: Promise<unknown>): void {
    const settled = work.catch((err: unknown) => this.onError(err)).finally(() => this.pending.delete(settled));
    this.pending.add(settled);
  }

  /** A connection is back: wait for queued subscriptions, catch up here, and ask the others to. */
  private async reconnected(which: 'publisher' | 'subscriber'): Promise<void> {
    if (this.closed) return;
    await Promise.allSettled([...this.pending]);
    this.resync();
    if (which === 'publisher') {
      await this.publisher.publish(RESYNC_CHANNEL, this.processId).catch((err: unknown) => this.onError(err));
    }
  }

  private resync(): void {
    for (const listener of this.resyncListeners) {
      try {
        listener();
      } catch (err) {
        this.onError(err);
      }
    }
  }
}

const channel = (workspaceId: string, kind: 'update' | 'awareness') => `driftdesk:${workspaceId}:${kind}`;
