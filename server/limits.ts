/**
 * Limits that keep one client from hurting the others: per-connection message and byte
 * rates (token buckets), per-IP connection rate (sliding window), and the largest doc.
 */
export interface Limits {
  /** Largest websocket message, bytes (default 8 MiB). */
  maxMessageBytes: number;
  /** Sustained messages per second per connection, and the burst allowed above it. */
  messagesPerSecond: number;
  messageBurst: number;
  /** Sustained bytes per second per connection, and the burst allowed above it. */
  bytesPerSecond: number;
  byteBurst: number;
  /** New connections per IP within `connectionWindowMs`. */
  connectionsPerWindow: number;
  connectionWindowMs: number;
  /** Largest workspace doc, bytes of its encoded state (measured when an upper bound passes it). */
  maxDocBytes: number;
  /** Presence entries one awareness message may carry (a client sends its own, one). */
  maxAwarenessEntries: number;
  /** Largest presence state, bytes of its JSON (a name, a colour, a cursor). */
  maxAwarenessStateBytes: number;
  /** Presence client ids one connection may speak for (tabs of one window share a socket). */
  maxAwarenessClientsPerConnection: number;
  /**
   * A connection whose unsent buffer stays above `slowReaderBytes` for `slowReaderMs` is closed
   * (it is not reading, and the server would hold everything sent to it); above
   * `maxBufferedBytes` it is closed at once.
   */
  slowReaderBytes: number;
  slowReaderMs: number;
  maxBufferedBytes: number;
  /** How long a token closed for a large presence flood must wait to connect again. */
  abuseCooldownMs: number;
}

export const DEFAULT_LIMITS: Limits = {
  maxMessageBytes: 8 * 1024 * 1024,
  messagesPerSecond: 200,
  messageBurst: 1000,
  bytesPerSecond: 4 * 1024 * 1024,
  byteBurst: 32 * 1024 * 1024,
  connectionsPerWindow: 60,
  connectionWindowMs: 10_000,
  maxDocBytes: 64 * 1024 * 1024,
  maxAwarenessEntries: 16,
  maxAwarenessStateBytes: 16 * 1024,
  maxAwarenessClientsPerConnection: 16,
  slowReaderBytes: 4 * 1024 * 1024,
  slowReaderMs: 10_000,
  // A first sync of a doc at the size limit must fit, with room for what follows it.
  maxBufferedBytes: 128 * 1024 * 1024,
  abuseCooldownMs: 10_000,
};

/** A token bucket: `take(n)` is false once the sustained rate and the burst are used up. */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    now: number,
  ) {
    this.tokens = burst;
    this.last = now;
  }

  take(n: number, now: number): boolean {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.ratePerSecond);
    this.last = now;
    if (this.tokens < n) return false;
    this.tokens -= n;
    return true;
  }
}

/** Counts connection attempts per IP over a sliding window. */
export class ConnectionRate {
  private attempts = new Map<string, number[]>();

  constructor(private readonly limits: Pick<Limits, 'connectionsPerWindow' | 'connectionWindowMs'>) {}

  allow(ip: string, now: number): boolean {
    const since = now - this.limits.connectionWindowMs;
    const recent = (this.attempts.get(ip) ?? []).filter((t) => t > since);
    const ok = recent.length < this.limits.connectionsPerWindow;
    if (ok) recent.push(now);
    this.attempts.set(ip, recent);
    if (this.attempts.size > 10_000) for (const [k, v] of this.attempts) if (v.every((t) => t <= since)) this.attempts.delete(k);
    return ok;
  }
}
