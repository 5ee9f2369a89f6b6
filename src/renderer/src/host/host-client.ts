/**
 * The renderer's way to its host: Electron IPC through the preload when present, else the web
 * host's WebSocket at `/host` (browser mode). Either way one generic `call`.
 */
import type { HostApi, HostChannel, HostEventMessage, HostEventName, HostEvents, HostReply, HostRequest, HostResponses } from '../../../shared/host-contract';
import { decodeWire, encodeWire } from '../../../shared/wire-json';

declare global {
  interface Window {
    driftdeskHost?: { invoke(channel: string, req: unknown): Promise<HostReply>; onEvent(listener: (message: unknown) => void): () => void };
  }
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
  return createWebSocketHost(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/host`);
}

function createWebSocketHost(url: string): HostApi {
  let socket: Promise<WebSocket> | null = null;
  let nextId = 1;
  const pending = new Map<number, { resolve: (r: HostReply) => void }>();
  const events = new EventListeners();

  const connect = (): Promise<WebSocket> => {
    socket ??= new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      // Replies that carry bytes (a doc's cached state) are binary frames; read them without a Blob round trip.
      ws.binaryType = 'arraybuffer';
      ws.onopen = () => resolve(ws);
      ws.onerror = () => reject(new HostCallError('lost the connection to the Driftdesk host; is `npm run web` still running?'));
      ws.onclose = () => {
        socket = null;
        for (const p of pending.values()) p.resolve({ kind: 'error', message: 'the Driftdesk host went away' });
        pending.clear();
      };
      ws.onmessage = (event) => {
        const msg = decodeWire(event.data as string | ArrayBuffer) as { id: number; reply: HostReply } | { event: HostEventMessage };
        if ('event' in msg) return events.dispatch(msg.event);
        pending.get(msg.id)?.resolve(msg.reply);
        pending.delete(msg.id);
      };
    });
    return socket;
  };

  return {
    async call<C extends HostChannel>(channel: C, req: HostRequest<C>): Promise<HostResponses[C]> {
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
