/**
 * Two server processes on one PostgreSQL and one Redis while y-websocket clients write without
 * pause, and the dependencies go away: PostgreSQL's backends are terminated, PostgreSQL is down
 * for 5 s, Redis is down for 3 s. Both processes stay up (/healthz answers), the clients
 * converge, and no confirmed edit is lost. An edit is confirmed when the client on the *other*
 * process has it: a process publishes an update, and its clients receive it, only after it is
 * persisted, and the other process learns of it only from Redis or from the database.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import * as Y from 'yjs';
import { createIncident, listIncidents } from '../../src/core/workspace/index.ts';
import { PostgresStore } from '../../server/postgres-store.ts';
import { connectClient, synced, waitFor } from '../helpers/sync-clients.ts';
import { type RunningPostgres, type RunningRedis, serviceOwner, startPostgres, startRedis } from '../helpers/services.ts';

let db: RunningPostgres;
let redis: RunningRedis;
const processes: ChildProcess[] = [];
const disposers: (() => void)[] = [];
const services = serviceOwner();

beforeAll(async () => {
  [db, redis] = await Promise.all([services.start(startPostgres()), services.start(startRedis())]);
}, 60_000);
afterAll(async () => {
  try {
    for (const d of disposers) d();
    for (const p of processes) if (p.exitCode === null) p.kill('SIGKILL');
  } finally {
    await services.stop();
  }
});

interface ServerProcess {
  url: string;
  child: ChildProcess;
  output(): string;
}

async function serverProcess(): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['bin/driftdesk', 'server', '--port', '0', '--postgres', db.url, '--redis', redis.url], { stdio: ['ignore', 'pipe', 'pipe'] });
  processes.push(child);
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code, signal) => reject(new Error(`server exited ${code ?? signal}: ${out}`)));
  });
  return { url, child, output: () => out };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ctx = (id: string, name: string) => ({ actor: { id, name }, now: Date.now, newId: () => crypto.randomUUID() });
const titles = (doc: Y.Doc) => new Set(listIncidents(doc).map((i) => i.title));

/** A workspace with an owner (Ada) and an editor (Bob), and one server process for each. */
async function setUp() {
  const store = await PostgresStore.open(db.url);
  const ws = await store.createWorkspace('Outages', 'Ada');
  const bob = await store.createMemberToken(ws.id, 'editor', 'Bob');
  await store.close();
  const [one, two] = await Promise.all([serverProcess(), serverProcess()]);
  const a = connectClient(one.url, ws.id, ws.token);
  const b = connectClient(two.url, ws.id, bob.token);
  disposers.push(a.dispose, b.dispose);
  await Promise.all([synced(a.provider), synced(b.provider)]);
  return { ws, bob, one, two, a, b };
}

/**
 * Both clients create an incident every 40 ms (connected or not: offline edits wait in the
 * client), and every 20 ms the edits each has received from the other are recorded as confirmed.
 */
function writeContinuously(a: Y.Doc, b: Y.Doc, ada: { id: string; name: string }, bob: { id: string; name: string }) {
  const written: string[] = [];
  const confirmed = new Set<string>();
  let n = 0;
  const writing = setInterval(() => {
    n += 1;
    createIncident(a, { title: `A-${n}`, severity: 'low' }, ctx(ada.id, ada.name));
    createIncident(b, { title: `B-${n}`, severity: 'low' }, ctx(bob.id, bob.name));
    written.push(`A-${n}`, `B-${n}`);
  }, 40);
  const watching = setInterval(() => {
    for (const t of titles(b)) if (t.startsWith('A-')) confirmed.add(t);
    for (const t of titles(a)) if (t.startsWith('B-')) confirmed.add(t);
  }, 20);
  return {
    written,
    confirmed,
    stop() {
      clearInterval(writing);
      clearInterval(watching);
    },
  };
}

async function expectAlive(...servers: ServerProcess[]) {
  for (const s of servers) {
    expect(s.child.exitCode, s.output()).toBeNull();
    expect(s.child.signalCode).toBeNull();
    expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
  }
}

/** Waits until both clients hold every edit, then checks the database holds them too. */
async function expectConverged(workspaceId: string, a: Y.Doc, b: Y.Doc, written: string[], confirmed: Set<string>) {
  const missing = (doc: Y.Doc) => {
    const have = titles(doc);
    return written.filter((t) => !have.has(t));
  };
  await waitFor(() => missing(a).length === 0 && missing(b).length === 0, `every edit at both clients (A lacks ${missing(a).length}, B lacks ${missing(b).length})`, 30_000);
  expect([...titles(a)].sort()).toEqual([...titles(b)].sort());
  const store = await PostgresStore.open(db.url);
  try {
    const stored = new Y.Doc();
    Y.applyUpdate(stored, await store.loadDoc(workspaceId));
    const inStore = titles(stored);
    expect([...confirmed].filter((t) => !inStore.has(t)), 'confirmed edits missing from PostgreSQL').toEqual([]);
    expect(written.filter((t) => !inStore.has(t)), 'edits missing from PostgreSQL').toEqual([]);
  } finally {
    await store.close();
  }
}

describe('dependency outages under writes, two processes', () => {
  it('survives pg_terminate_backend on every other backend', async () => {
    const { ws, bob, one, two, a, b } = await setUp();
    const writes = writeContinuously(a.doc, b.doc, { id: ws.memberId, name: 'Ada' }, { id: bob.memberId, name: 'Bob' });
    await sleep(1000);
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    try {
      for (let round = 0; round < 3; round++) {
        const { rows } = await admin.query(
          "SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND backend_type = 'client backend'",
        );
        expect(rows.length).toBeGreaterThan(0);
        await sleep(700);
      }
    } finally {
      await admin.end();
    }
    await sleep(1000);
    writes.stop();
    const confirmedBefore = writes.confirmed.size;
    await expectConverged(ws.id, a.doc, b.doc, writes.written, writes.confirmed);
    expect(confirmedBefore).toBeGreaterThan(20);
    await expectAlive(one, two);
    // The terminations did reach the processes' pools (the event that used to end them).
    expect(one.output() + two.output()).toContain('"event":"storage_connection_lost"');
  }, 90_000);

  it('survives PostgreSQL down for 5 s and recovers without a restart', async () => {
    const { ws, bob, one, two, a, b } = await setUp();
    const writes = writeContinuously(a.doc, b.doc, { id: ws.memberId, name: 'Ada' }, { id: bob.memberId, name: 'Bob' });
    await sleep(1000);
    db.pause();
    const down = Date.now();
    await sleep(1500);
    // The loaded rooms go on serving their clients: both stay connected, and presence still
    // crosses processes, while their edits wait on their devices.
    expect(a.provider.wsconnected && b.provider.wsconnected).toBe(true);
    a.provider.awareness.setLocalStateField('viewing', 'during the outage');
    await waitFor(
      () => [...b.provider.awareness.getStates().values()].some((s) => (s as { viewing?: string }).viewing === 'during the outage'),
      'presence across processes while PostgreSQL is down',
    );
    await expectAlive(one, two);
    await sleep(5000 - (Date.now() - down));
    db.resume();
    await sleep(2000);
    writes.stop();
    await expectConverged(ws.id, a.doc, b.doc, writes.written, writes.confirmed);
    await expectAlive(one, two);
    const logs = one.output() + two.output();
    expect(logs).toContain('"event":"persistence_failed"');
    expect(logs).toContain('"event":"room_revived"');

    // New work after the outage: a fresh client on each process sees everything and syncs.
    const c = connectClient(one.url, ws.id, bob.token);
    disposers.push(c.dispose);
    await synced(c.provider);
    await waitFor(() => writes.written.every((t) => titles(c.doc).has(t)), 'a fresh client has every edit');
  }, 90_000);

  it('survives Redis down for 3 s: rooms load without it, and the processes converge again', async () => {
    const { ws, bob, one, two, a, b } = await setUp();
    // A second workspace nobody has open yet: its rooms are loaded while Redis is away.
    const store = await PostgresStore.open(db.url);
    const other = await store.createWorkspace('Loaded during the outage', 'Cy');
    await store.close();

    const writes = writeContinuously(a.doc, b.doc, { id: ws.memberId, name: 'Ada' }, { id: bob.memberId, name: 'Bob' });
    await sleep(1000);
    await redis.stop();
    await sleep(500);
    const c = connectClient(one.url, other.id, other.token);
    const d = connectClient(two.url, other.id, other.token);
    disposers.push(c.dispose, d.dispose);
    await Promise.all([synced(c.provider), synced(d.provider)]);
    await sleep(2500);
    await expectAlive(one, two);
    await redis.restart();
    await sleep(2000);
    writes.stop();
    await expectConverged(ws.id, a.doc, b.doc, writes.written, writes.confirmed);

    // The subscription made while Redis was away works now: an edit on process one reaches two.
    createIncident(c.doc, { title: 'after Redis came back', severity: 'low' }, ctx(other.memberId, 'Cy'));
    await waitFor(() => titles(d.doc).has('after Redis came back'), 'edit across processes in the workspace loaded during the outage', 10_000);
    await expectAlive(one, two);
    const logs = one.output() + two.output();
    expect(logs).toContain('"event":"redis_error"');
    expect(logs).toContain('"event":"fanout_resynced"');
  }, 90_000);
});
