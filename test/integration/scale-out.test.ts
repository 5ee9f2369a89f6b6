/**
 * Several server processes on one PostgreSQL and one Redis: clients on different processes
 * of the same workspace converge (updates and awareness), and killing a process loses no
 * acknowledged update; its clients reconnect to another process and converge.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebsocketProvider } from 'y-websocket';
import { WebSocket as WebSocketPolyfill } from 'ws';
import { addComment, createIncident, listComments, listIncidents } from '../../src/core/workspace/index.ts';
import { PostgresStore } from '../../server/postgres-store.ts';
import { connectClient, synced, waitFor } from '../helpers/sync-clients.ts';
import { type RunningPostgres, type RunningRedis, serviceOwner, startPostgres, startRedis } from '../helpers/services.ts';

let pg: RunningPostgres;
let redis: RunningRedis;
const processes: ChildProcess[] = [];
const disposers: (() => void)[] = [];
const services = serviceOwner();

beforeAll(async () => {
  [pg, redis] = await Promise.all([services.start(startPostgres()), services.start(startRedis())]);
}, 60_000);
afterAll(async () => {
  try {
    for (const d of disposers) d();
    for (const p of processes) if (p.exitCode === null) p.kill('SIGKILL');
  } finally {
    await services.stop();
  }
});

async function serverProcess(): Promise<{ url: string; child: ChildProcess }> {
  // Comments here are written into the workspace doc, as an app did before conversation docs: with
  // the default split each process would move them out while the test counts them there.
  const child = spawn(process.execPath, ['bin/driftdesk', 'server', '--port', '0', '--postgres', pg.url, '--redis', redis.url, '--no-split-conversations'], { stdio: ['ignore', 'pipe', 'pipe'] });
  processes.push(child);
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => reject(new Error(`server exited ${code}: ${out}`)));
  });
  return { url, child };
}

const ctx = (id: string, name: string) => ({ actor: { id, name }, now: Date.now, newId: () => crypto.randomUUID() });

describe('scale-out on PostgreSQL + Redis', () => {
  it('converges across processes and survives kill -9 of one of them', async () => {
    const store = await PostgresStore.open(pg.url);
    const ws = await store.createWorkspace('Shared', 'Ada');
    const bob = await store.createMemberToken(ws.id, 'editor', 'Bob');
    await store.close();

    const [one, two] = await Promise.all([serverProcess(), serverProcess()]);
    expect(one.url).not.toBe(two.url);
    const a = connectClient(one.url, ws.id, ws.token);
    const b = connectClient(two.url, ws.id, bob.token);
    disposers.push(a.dispose, b.dispose);
    await Promise.all([synced(a.provider), synced(b.provider)]);

    // Updates and awareness cross processes.
    const incident = createIncident(a.doc, { title: 'Drift across processes', severity: 'high' }, ctx(ws.memberId, 'Ada'));
    await waitFor(() => listIncidents(b.doc).length === 1, 'incident at B (other process)');
    addComment(b.doc, { target: { kind: 'incident', id: incident.id }, body: 'seen from process two' }, ctx(bob.memberId, 'Bob'));
    await waitFor(() => listComments(a.doc, incident.id).length === 1, 'comment at A (other process)');
    a.provider.awareness.setLocalStateField('user', { name: 'Ada', viewing: 'incidents' });
    await waitFor(
      () => [...b.provider.awareness.getStates().values()].some((s) => (s as { user?: { name: string } }).user?.name === 'Ada'),
      'awareness of A at B',
    );

    // A stream of edits on process one; each one B has seen was persisted before it was sent.
    for (let i = 0; i < 20; i++) addComment(a.doc, { target: { kind: 'incident', id: incident.id }, body: `edit ${i}` }, ctx(ws.memberId, 'Ada'));
    await waitFor(() => listComments(b.doc, incident.id).length === 21, 'all 20 edits at B');
    one.child.kill('SIGKILL');
    await waitFor(() => !a.provider.wsconnected, 'A notices the dead process');

    // A keeps editing offline, then reconnects to process two with the same doc.
    addComment(a.doc, { target: { kind: 'incident', id: incident.id }, body: 'written while disconnected' }, ctx(ws.memberId, 'Ada'));
    a.provider.destroy();
    const again = new WebsocketProvider(`${two.url.replace('http', 'ws')}/sync`, ws.id, a.doc, {
      WebSocketPolyfill: WebSocketPolyfill as unknown as typeof WebSocket,
      disableBc: true,
      params: { token: ws.token },
    });
    disposers.push(() => again.destroy());
    await waitFor(() => listComments(b.doc, incident.id).length === 22, 'offline edit reaches B after failover');

    // A fresh process loads everything from PostgreSQL.
    const three = await serverProcess();
    const c = connectClient(three.url, ws.id, ws.token);
    disposers.push(c.dispose);
    await waitFor(() => listComments(c.doc, incident.id).length === 22, 'fresh process has every edit');
    expect(listComments(c.doc, incident.id).map((x) => x.body)).toEqual(listComments(b.doc, incident.id).map((x) => x.body));
  });
});
