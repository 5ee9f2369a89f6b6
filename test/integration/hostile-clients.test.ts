/**
 * Hostile input: a few hundred generated malformed frames (a small decoder fuzzer), floods and
 * connection storms. Each bad connection is closed; the others do not notice; the process
 * keeps serving.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import { createIncident, listIncidents } from '../../src/core/workspace/index.ts';
import { type SyncServer, startSyncServer } from '../../server/index.ts';
import { connectClient, synced, waitFor } from '../helpers/sync-clients.ts';
import { prng } from '../helpers/prng.ts';

let dataDir: string;
let server: SyncServer;
const disposers: (() => void)[] = [];

async function start(limits: Parameters<typeof startSyncServer>[0]['limits']) {
  server = await startSyncServer({ port: 0, dataDir, limits });
}
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'driftdesk-hostile-'));
});
afterEach(async () => {
  for (const d of disposers.splice(0)) d();
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Frames that start like real y-protocols messages and then go wrong in many ways. */
function malformedFrames(count: number, seed: number): Uint8Array[] {
  const rand = prng(seed);
  const doc = new Y.Doc();
  createIncident(doc, { title: 'seed', severity: 'low' }, { actor: { id: 'x', name: 'x' }, now: () => 1, newId: () => 'i1' });
  const valid = Y.encodeStateAsUpdate(doc);
  const frames: Uint8Array[] = [];
  const wrap = (type: number, sub: number | null, payload: Uint8Array) =>
    encoding.encode((e) => {
      encoding.writeVarUint(e, type);
      if (sub !== null) encoding.writeVarUint(e, sub);
      encoding.writeVarUint8Array(e, payload);
    });
  for (let i = 0; i < count; i++) {
    const kind = i % 6;
    const bytes = (n: number) => Uint8Array.from({ length: n }, () => Math.floor(rand() * 256));
    if (kind === 0) frames.push(bytes(1 + Math.floor(rand() * 64)));
    else if (kind === 1) frames.push(wrap(0, 2, valid).slice(0, 2 + Math.floor(rand() * (valid.length - 2)))); // truncated update
    else if (kind === 2) {
      const mutated = valid.slice();
      for (let k = 0; k < 3; k++) mutated[Math.floor(rand() * mutated.length)] = Math.floor(rand() * 256);
      frames.push(wrap(0, rand() < 0.5 ? 1 : 2, mutated)); // bit-flipped update
    } else if (kind === 3) frames.push(wrap(0, Math.floor(rand() * 2 ** 20), bytes(8))); // unknown sync type
    else if (kind === 4) frames.push(wrap(1, null, bytes(1 + Math.floor(rand() * 40)))); // bogus awareness
    else frames.push(Uint8Array.from([Math.floor(4 + rand() * 250), ...bytes(6)])); // unknown message type
  }
  return frames;
}

function rawSocket(workspaceId: string, token: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/sync/${workspaceId}?token=${token}`);
    ws.on('open', () => resolve(ws));
    ws.on('error', reject);
  });
}

describe('hostile clients', () => {
  it('survives 300 malformed frames: each closes only its own connection', async () => {
    await start({ connectionsPerWindow: 10_000 });
    const ws = server.store.createWorkspace('W', 'Ada');
    const good = connectClient(server.url, ws.id, ws.token);
    disposers.push(good.dispose);
    await synced(good.provider);

    const frames = malformedFrames(300, 42);
    let closedByServer = 0;
    for (let i = 0; i < frames.length; i += 20) {
      await Promise.all(
        frames.slice(i, i + 20).map(async (frame) => {
          const sock = await rawSocket(ws.id, ws.token);
          const closed = new Promise<number>((r) => sock.on('close', (code) => r(code)));
          sock.send(frame);
          // A frame that happens to be harmless leaves its socket open; give it a moment.
          const code = await Promise.race([closed, new Promise<number>((r) => setTimeout(() => r(0), 1000))]);
          if (code === 1007) closedByServer++;
          sock.terminate();
        }),
      );
    }
    expect(closedByServer).toBeGreaterThan(150);
    // The well-behaved client never noticed, and the server still serves.
    expect(good.provider.wsconnected).toBe(true);
    createIncident(good.doc, { title: 'after the fuzz', severity: 'low' }, { actor: { id: ws.memberId, name: 'Ada' }, now: Date.now, newId: () => crypto.randomUUID() });
    const fresh = connectClient(server.url, ws.id, ws.token);
    disposers.push(fresh.dispose);
    await waitFor(() => listIncidents(fresh.doc).some((i) => i.title === 'after the fuzz'), 'sync after fuzzing');
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/driftdesk_closed_connections_total\{reason="malformed"\} (\d+)/);
    expect(Number(/driftdesk_closed_connections_total\{reason="malformed"\} (\d+)/.exec(metrics)![1])).toBe(closedByServer);
  });

  it('closes a flooding connection and refuses a connection storm from one address', async () => {
    await start({ messagesPerSecond: 20, messageBurst: 50, connectionsPerWindow: 5, connectionWindowMs: 60_000 });
    const ws = server.store.createWorkspace('W', 'Ada');
    const sock = await rawSocket(ws.id, ws.token);
    const closed = new Promise<{ code: number; reason: string }>((r) => sock.on('close', (code, reason) => r({ code, reason: reason.toString() })));
    const queryAwareness = Uint8Array.from([3]);
    for (let i = 0; i < 200; i++) sock.send(queryAwareness);
    expect(await closed).toEqual({ code: 1008, reason: 'rate limit exceeded' });

    const outcomes: string[] = [];
    for (let i = 0; i < 6; i++) {
      outcomes.push(
        await new Promise<string>((resolve) => {
          const s = new WebSocket(`${server.url.replace('http', 'ws')}/sync/${ws.id}?token=${ws.token}`);
          s.on('open', () => { resolve('open'); s.close(); });
          s.on('unexpected-response', (_q, res) => resolve(String(res.statusCode)));
        }),
      );
    }
    // One connection was used by the flood above: four more fit in the window, then 429.
    expect(outcomes).toEqual(['open', 'open', 'open', 'open', '429', '429']);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toContain('driftdesk_refused_connections_total{reason="too_many_connections"} 2');
    expect(metrics).toContain('driftdesk_closed_connections_total{reason="rate_limit"} 1');
    expect(metrics).toMatch(/driftdesk_persist_seconds_count \d+/);
  });

  it('refuses updates past the doc size limit, keeping what is there', async () => {
    await start({ maxDocBytes: 4000 });
    const ws = server.store.createWorkspace('W', 'Ada');
    const a = connectClient(server.url, ws.id, ws.token);
    disposers.push(a.dispose);
    await synced(a.provider);
    const ctx = { actor: { id: ws.memberId, name: 'Ada' }, now: Date.now, newId: () => crypto.randomUUID() };
    createIncident(a.doc, { title: 'small', severity: 'low' }, ctx);
    createIncident(a.doc, { title: 'big', severity: 'low', description: 'x'.repeat(8000) }, ctx);
    const fresh = connectClient(server.url, ws.id, ws.token);
    disposers.push(fresh.dispose);
    await synced(fresh.provider);
    await waitFor(() => listIncidents(fresh.doc).length === 1, 'the small incident');
    await new Promise((r) => setTimeout(r, 200));
    expect(listIncidents(fresh.doc).map((i) => i.title)).toEqual(['small']);
  });

  it('presence says who a connection is, not what it claims, and nobody can clear another member’s', async () => {
    await start({});
    const ws = server.store.createWorkspace('W', 'Ada');
    const bob = server.store.createMemberToken(ws.id, 'editor', 'Bob');
    const carol = server.store.createMemberToken(ws.id, 'viewer', 'Carol');
    const a = connectClient(server.url, ws.id, ws.token);
    const b = connectClient(server.url, ws.id, bob.token);
    const c = connectClient(server.url, ws.id, carol.token);
    disposers.push(a.dispose, b.dispose, c.dispose);
    await Promise.all([synced(a.provider), synced(b.provider), synced(c.provider)]);
    a.provider.awareness.setLocalStateField('user', { memberId: ws.memberId, name: 'Ada', role: 'owner', color: '#2563eb' });
    // Bob claims to be Ada, an owner.
    b.provider.awareness.setLocalStateField('user', { memberId: ws.memberId, name: 'Ada', role: 'owner', color: '#dc2626' });
    const userOf = (clientId: number) => (c.provider.awareness.getStates().get(clientId) as { user?: unknown } | undefined)?.user;
    await waitFor(() => userOf(b.doc.clientID) !== undefined && userOf(a.doc.clientID) !== undefined, 'both in Carol’s presence');
    expect(userOf(b.doc.clientID)).toEqual({ memberId: bob.memberId, name: 'Bob', role: 'editor', color: '#dc2626' });
    expect(userOf(a.doc.clientID)).toEqual({ memberId: ws.memberId, name: 'Ada', role: 'owner', color: '#2563eb' });
    // Bob tries to take Ada out of everyone's presence: his removal of her client goes to the server.
    awarenessProtocol.removeAwarenessStates(b.provider.awareness, [a.doc.clientID], 'bob');
    await new Promise((r) => setTimeout(r, 300));
    expect(userOf(a.doc.clientID)).toEqual({ memberId: ws.memberId, name: 'Ada', role: 'owner', color: '#2563eb' });
    // A fresh observer sees the same.
    const d = connectClient(server.url, ws.id, carol.token);
    disposers.push(d.dispose);
    await synced(d.provider);
    await waitFor(() => d.provider.awareness.getStates().has(a.doc.clientID), 'Ada in a new observer’s presence');
    expect((d.provider.awareness.getStates().get(b.doc.clientID) as { user?: { name?: string } }).user?.name).toBe('Bob');
  });
});
