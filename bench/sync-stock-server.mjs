// The baseline for `npm run bench:sync`: @y/websocket-server 0.1.1's own bin (src/server.js)
// line for line — its `setupWSConnection`, and the `ws` it resolves (its nested ws 6.x) —
// except that it listens on port 0 and prints the port it got, and answers `gc` on stdin like
// bench/sync-server.mjs. No YPERSISTENCE, so no persistence and no auth: the stock defaults.
import { createRequire } from 'node:module';
import http from 'node:http';
import { createInterface } from 'node:readline';
import { setupWSConnection } from '@y/websocket-server/utils';

const requireFromStock = createRequire(import.meta.resolve('@y/websocket-server/utils'));
const WebSocket = requireFromStock('ws');

const wss = new WebSocket.Server({ noServer: true });
const server = http.createServer((_request, response) => {
  response.writeHead(200, { 'Content-Type': 'text/plain' });
  response.end('okay');
});
wss.on('connection', setupWSConnection);
server.on('upgrade', (request, socket, head) => {
  wss.handleUpgrade(request, socket, head, (ws) => {
    wss.emit('connection', ws, request);
  });
});
server.listen(0, process.env.HOST || '127.0.0.1', () => {
  const { address, port } = server.address();
  console.log(`listening on http://${address}:${port}`);
});

createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() !== 'gc') return;
  // Twice: the first pass can leave work for the second (weak references, finalizers).
  globalThis.gc?.();
  globalThis.gc?.();
  console.log(`gc done ${JSON.stringify(process.memoryUsage())}`);
});
process.stdin.on('end', () => process.exit(0));
