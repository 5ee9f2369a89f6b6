/**
 * Outgoing webhooks: Slack-compatible JSON (`text` and `blocks`, which a Slack incoming webhook
 * shows as is) plus a `driftdesk` object with the event's data, signed like Slack signs its own
 * requests — `X-Driftdesk-Signature: v1=<hex HMAC-SHA256(secret, "v1:<timestamp>:<body>")>` with
 * `X-Driftdesk-Timestamp` — so a receiver can check origin and reject replays. A failed attempt
 * (no answer in 10 s, or not 2xx) is retried with exponential backoff; every attempt updates the
 * delivery log the app shows.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { DeliveryInfo, Store, WebhookPurpose } from './store-contract.ts';
import { PrivateAddressError, privateLiteral, publicOnlyLookup } from './webhook-address.ts';

export const SIGNATURE_HEADER = 'x-driftdesk-signature';
export const TIMESTAMP_HEADER = 'x-driftdesk-timestamp';

export interface WebhookEvent {
  /** e.g. `incident.opened`, `incident.updated`, `retrain.requested` */
  event: string;
  /** One line for people (Slack mrkdwn; `<`, `>`, `&` are escaped here). */
  text: string;
  data: Record<string, unknown>;
}

export interface WebhookOptions {
  /** Delay before retry n (1-based) is `baseRetryMs * 4^(n-1)`; default 1 s, so 1 s, 4 s, 16 s. */
  baseRetryMs?: number;
  /** Attempts in all, the first included; default 4. */
  maxAttempts?: number;
  timeoutMs?: number;
  log?: (event: Record<string, unknown>) => void;
  /** Send to loopback and private-network addresses too (webhook-address.ts); default false. */
  allowPrivate?: boolean;
}

/** The signature a receiver recomputes: HMAC-SHA256 over `v1:<timestamp>:<raw body>`. */
export function signPayload(secret: string, timestamp: string, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`v1:${timestamp}:${body}`).digest('hex')}`;
}

export class WebhookSender {
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private closed = false;

  constructor(
    private readonly store: Store,
    private readonly options: WebhookOptions = {},
  ) {}

  /**
   * Sends the event to every webhook of `purpose` in the workspace. Resolves after each first
   * attempt with its delivery record (retries go on in the background). `onRetried` is called
   * with every delivery of this event (as they stand) after each later attempt, so the caller
   * can record the outcome as it changes; what it throws or rejects with is logged.
   */
  async send(workspaceId: string, purpose: WebhookPurpose, event: WebhookEvent, onRetried?: (deliveries: DeliveryInfo[]) => unknown): Promise<DeliveryInfo[]> {
    const targets = await this.store.webhookTargets(workspaceId, purpose);
    const body = JSON.stringify({
      text: escapeMrkdwn(event.text),
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: escapeMrkdwn(event.text) } }],
      driftdesk: { event: event.event, workspaceId, ...event.data },
    });
    const now = Date.now();
    const deliveries = targets.map((target) => ({
      secret: target.secret,
      delivery: {
        id: randomUUID(), webhookId: target.id, url: target.url, event: event.event, status: 'pending',
        attempts: 0, lastStatus: null, lastError: null, createdAt: now, updatedAt: now,
      } satisfies DeliveryInfo as DeliveryInfo,
    }));
    const all = deliveries.map((d) => d.delivery);
    const retried = onRetried
      ? () => {
          void Promise.resolve()
            .then(() => onRetried(all))
            .catch((err: unknown) => this.options.log?.({ event: 'webhook_outcome_failed', workspace: workspaceId, error: String(err) }));
        }
      : null;
    await Promise.all(deliveries.map(({ delivery, secret }) => this.attempt(workspaceId, delivery, secret, body, retried)));
    return all;
  }

  private async attempt(workspaceId: string, delivery: DeliveryInfo, secret: string, body: string, retried: (() => void) | null): Promise<void> {
    if (this.closed) return;
    const timestamp = String(Math.floor(Date.now() / 1000));
    delivery.attempts += 1;
    try {
      const res = await postJson(delivery.url, {
        'content-type': 'application/json',
        'user-agent': 'Driftdesk-Webhook/1',
        'x-driftdesk-delivery': delivery.id,
        'x-driftdesk-event': delivery.event,
        [TIMESTAMP_HEADER]: timestamp,
        [SIGNATURE_HEADER]: signPayload(secret, timestamp, body),
      }, body, this.options.timeoutMs ?? 10_000, this.options.allowPrivate ?? false);
      const ok = res.status >= 200 && res.status < 300;
      delivery.lastStatus = res.status;
      delivery.lastError = ok ? null : `answered ${res.status} ${res.statusText}`.trim();
      delivery.status = ok ? 'delivered' : 'pending';
    } catch (err) {
      delivery.lastStatus = null;
      delivery.lastError =
        err instanceof PrivateAddressError ? `refused: ${err.message}`
        : (err as Error).name === 'TimeoutError' ? 'no answer in time'
        : `could not connect: ${(err as Error).message}`;
      // Refused by rule: retrying would be refused again.
      delivery.status = err instanceof PrivateAddressError ? 'failed' : 'pending';
    }
    const maxAttempts = this.options.maxAttempts ?? 4;
    if (delivery.status === 'pending' && delivery.attempts >= maxAttempts) delivery.status = 'failed';
    delivery.updatedAt = Date.now();
    // The SQLite store throws synchronously, PostgreSQL rejects: either is caught here, because
    // a retry runs from a timer where nothing else would catch it.
    try {
      await this.store.saveDelivery(workspaceId, { ...delivery });
    } catch (err) {
      this.options.log?.({ event: 'webhook_log_failed', error: String(err) });
    }
    if (delivery.attempts > 1) retried?.();
    if (delivery.status !== 'pending') return;
    const delay = (this.options.baseRetryMs ?? 1000) * 4 ** (delivery.attempts - 1);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.attempt(workspaceId, delivery, secret, body, retried);
    }, delay);
    timer.unref();
    this.timers.add(timer);
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}

/** Slack reads `<…>` as links and `&` as an entity start; people's text must stay text. */
function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * One POST (no redirects followed: a 3xx is an answer like any other). Unless `allowPrivate`,
 * the address connected to must be public: IP literals are checked here, names by the lookup
 * the connection itself uses (webhook-address.ts).
 */
function postJson(url: string, headers: Record<string, string>, body: string, timeoutMs: number, allowPrivate: boolean): Promise<{ status: number; statusText: string }> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const literal = allowPrivate ? null : privateLiteral(target);
    if (literal) return reject(literal);
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(target, { method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) }, lookup: allowPrivate ? undefined : publicOnlyLookup }, (res) => {
      clearTimeout(timer);
      res.resume(); // the answer's body is not needed
      resolve({ status: res.statusCode ?? 0, statusText: res.statusMessage ?? '' });
    });
    // The whole exchange, not an idle gap: a receiver that drips its answer still times out.
    const timer = setTimeout(() => {
      const err = new Error('no answer in time');
      err.name = 'TimeoutError';
      req.destroy(err);
    }, timeoutMs);
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.end(body);
  });
}
