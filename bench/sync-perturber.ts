/**
 * Issue 14's perturbation for `npm run bench:sync`, in a process of its own so that making the
 * load does not slow the observers being measured (they share the bench's event loop):
 * `tsx bench/sync-perturber.ts WS_URL` where WS_URL is the room's `ws://…/sync/<room>?token=…`.
 * - a viewer that floods presence: one awareness message of 100k entries (~2.5 MB), again on a
 *   new connection each time the server closes it (and again after a refused upgrade);
 * - a client that never reads, asking for everyone's presence 150 times a second.
 * Prints one JSON line of counts on SIGTERM, then exits.
 */
import WebSocket from 'ws';
import { presenceFlood } from '../test/helpers/presence-flood.ts';

const url = process.argv[2];
if (!url) throw new Error('usage: tsx bench/sync-perturber.ts WS_URL');
const counts = { floods: 0, floodClosed: 0, floodRefused: 0, queries: 0, lazyClosed: false };

const flood = presenceFlood(100_000, 2_000_000);

function floodOnce(): void {
  const ws = new WebSocket(url!, { perMessageDeflate: false });
  ws.on('error', () => {});
  ws.on('unexpected-response', (_req, res) => {
    counts.floodRefused++;
    res.resume();
    setTimeout(floodOnce, 20);
  });
  ws.on('open', () => {
    counts.floods++;
    ws.send(flood);
  });
  ws.on('close', () => {
    counts.floodClosed++;
    setTimeout(floodOnce, 20);
  });
}
floodOnce();

const lazy = new WebSocket(url, { perMessageDeflate: false });
lazy.on('error', () => {});
lazy.on('close', () => (counts.lazyClosed = true));
lazy.once('open', () => {
  (lazy as unknown as { _socket: { pause(): void } })._socket.pause();
  setInterval(() => {
    if (lazy.readyState !== WebSocket.OPEN) return;
    for (let i = 0; i < 15; i++) lazy.send(Uint8Array.from([3]));
    counts.queries += 15;
  }, 100);
});

process.on('SIGTERM', () => {
  console.log(JSON.stringify(counts));
  process.exit(0);
});
