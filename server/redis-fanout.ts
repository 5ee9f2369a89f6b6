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
 */
import { randomBytes } from 'node:crypto';
import { createClient } from 'redis';
import type { Fanout, FanoutHandlers } from './fanout.ts';

const makeClient = (url: string) => createClient({ url });
type Client = ReturnType<typeof makeClient>;

export class RedisFanout implements Fanout {
  private readonly processId = randomBytes(16);

  private constructor(
    private readonly publisher: Client,
    private readonly subscriber: Client,
    private readonly onError: (err: unknown) => void,
  ) {}

  static async connect(url: string, onError: (err: unknown) => void = () => {}): Promise<RedisFanout> {
    const publisher = makeClient(url);
    const subscriber = makeClient(url);
    publisher.on('error', onError);
    subscriber.on('error', onError);
    await Promise.all([publisher.connect(), subscriber.connect()]);
    return new RedisFanout(publisher, subscriber, onError);
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
    await this.subscriber.subscribe(channel(workspaceId, 'update'), updates, true);
    await this.subscriber.subscribe(channel(workspaceId, 'awareness'), awareness, true);
    return async () => {
      await this.subscriber.unsubscribe(channel(workspaceId, 'update'), updates, true);
      await this.subscriber.unsubscribe(channel(workspaceId, 'awareness'), awareness, true);
    };
  }

  async publishUpdate(workspaceId: string, update: Uint8Array): Promise<void> {
    await this.publisher.publish(channel(workspaceId, 'update'), Buffer.concat([this.processId, update]));
  }

  async publishAwareness(workspaceId: string, update: Uint8Array): Promise<void> {
    await this.publisher.publish(channel(workspaceId, 'awareness'), Buffer.concat([this.processId, update]));
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.subscriber.quit(), this.publisher.quit()]);
  }
}

const channel = (workspaceId: string, kind: 'update' | 'awareness') => `driftdesk:${workspaceId}:${kind}`;
