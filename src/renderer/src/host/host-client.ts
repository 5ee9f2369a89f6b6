/**
 * The renderer's way to its host: Electron IPC through the preload when present, else the web
 * host's WebSocket at `/host` (browser mode). Either way one generic `call`.
 */
import type { HostApi, HostChannel, HostEventMessage, HostEventName, HostEvents, HostReply, HostRequest, HostResponses } from '../../../shared/host-contract';
import type { BootCall } from '../../../shared/boot-calls';
import { decodeWire, encodeWire } from '../../../shared/wire-json';

declare global {
  interface Window {
    driftdeskHost?: { invoke(channel: string, req: unknown): Promise<HostReply>; onEvent(listener: (message: unknown) => void): () => void };
    /** Left by boot.ts: the host socket it opened and the calls it sent before the app loaded. */
    __driftdeskBoot?: BootSocket;
  }
}

export interface BootSocket {
  socket: WebSocket;
  /** Messages that arrived before the app took the socket, in order. */
  inbox: MessageEvent[];
  calls: BootCall[];
  /** Resolves once the splash is painted, or there is none to draw (main.tsx starts the app then). */
  splashSettled: Promise<void>;
}

export class HostCallError extends Error {}

function unwrap<T>(reply: HostReply): T {
  if (reply.kind === 'ok') return reply.value as T;
  throw new HostCallError(reply.message);
}

/** Host events fanned out to the renderer's listeners. */
class EventListeners {
  private readonly listeners = new Map<HostEventName, Set<(payload: never) => void>>();

  on<E extends HostEventName>(event: E, listener: (payload: HostEvents[E]) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as (payload: never) => void);
    return () => set.delete(listener as (payload: never) => void);
  }

  dispatch(message: HostEventMessage): void {
    for (const listener of this.listeners.get(message.event) ?? []) (listener as (p: unknown) => void)(message.payload);
  }
}

export function createHostClient(): HostApi {
  const ipc = window.driftdeskHost;
  if (ipc) {
    const events = new EventListeners();
    ipc.onEvent((message) => events.dispatch(message as HostEventMessage));
    return {
      call: async <C extends HostChannel>(channel: C, req: HostRequest<C>) =>
        unwrap<HostResponses[C]>(await ipc.invoke(channel, req)),
      on: (event, listener) => events.on(event, listener),
    };
  }
  const boot = window.__driftdeskBoot;
  window.__driftdeskBoot = undefined;
  return createWebSocketHost(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/host`, boot);
}

/**
 * The host over a WebSocket. `boot` (boot.ts) is a socket opened before the app loaded,
 * with calls already sent on it: the client takes the socket over, and a `call` identical to
 * one of those (same channel, same request) gets that call's answer instead of asking again.
 */
function createWebSocketHost(url: string, boot?: BootSocket): HostApi {
  let socket: Promise<WebSocket> | null = null;
  let nextId = 1;
  const pending = new Map<number | string, { resolve: (r: HostReply) => void }>();
  const events = new EventListeners();
  /** Calls boot.ts sent, by `channel + request`, each answered to at most one `call`. */
  const early = new Map<string, Promise<HostReply>>();

  const onMessage = (event: MessageEvent): void => {
    const msg = decodeWire(event.data as string | ArrayBuffer) as { id: number | string; reply: HostReply } | { event: HostEventMessage };
    if ('event' in msg) return events.dispatch(msg.event);
    pending.get(msg.id)?.resolve(msg.reply);
    pending.delete(msg.id);
  };

  const attach = (ws: WebSocket, reject: (err: Error) => void): void => {
    // Replies that carry bytes (a doc's cached state) are binary frames; read them without a Blob round trip.
    ws.binaryType = 'arraybuffer';
    ws.onerror = () => reject(new HostCallError('lost the connection to the Driftdesk host; is `npm run web` still running?'));
    ws.onclose = () => {
      socket = null;
      for (const p of pending.values()) p.resolve({ kind: 'error', message: 'the Driftdesk host went away' });
      pending.clear();
    };
    ws.onmessage = onMessage;
  };

  const connect = (): Promise<WebSocket> => {
    socket ??= new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      attach(ws, reject);
      ws.onopen = () => resolve(ws);
    });
    return socket;
  };

  if (boot && boot.socket.readyState <= boot.socket.OPEN) {
    const ws = boot.socket;
    for (const c of boot.calls) {
      early.set(earlyKey(c.channel, c.req), new Promise((resolve) => pending.set(c.id, { resolve })));
    }
    socket = new Promise((resolve, reject) => {
      attach(ws, reject);
      if (ws.readyState === ws.OPEN) resolve(ws);
      else ws.addEventListener('open', () => resolve(ws));
    });
    socket.catch(() => {});
    for (const event of boot.inbox.splice(0)) onMessage(event);
  }

  return {
    async call<C extends HostChannel>(channel: C, req: HostRequest<C>): Promise<HostResponses[C]> {
      const key = earlyKey(channel, req);
      const answered = early.get(key);
      if (answered) {
        early.delete(key);
        return unwrap<HostResponses[C]>(await answered);
      }
      const ws = await connect();
      const id = nextId++;
      const reply = await new Promise<HostReply>((resolve) => {
        pending.set(id, { resolve });
        ws.send(encodeWire({ id, channel, req }));
      });
      return unwrap<HostResponses[C]>(reply);
    },
    on(event, listener) {
      // Open the socket so events flow even before the first call.
      void connect().catch(() => {});
      return events.on(event, listener);
    },
  };
}

function earlyKey(channel: string, req: unknown): string {
  // Bytes by length only: stringified whole, a 40 MB notebook upload would be a 500-million-
  // character key (past V8's longest string: "Invalid string length"), and boot calls carry none.
  return `${channel} ${JSON.stringify(req, (_key, v: unknown) => (v instanceof Uint8Array ? `<${v.byteLength} bytes>` : v))}`;
}
