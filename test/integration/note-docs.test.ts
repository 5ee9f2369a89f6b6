/**
 * Note docs on the sync server: each note is its own room (`/sync/<ws>:note:<id>`), opened with
 * the workspace's tokens, persisted apart from the workspace doc; and the HTTP doc API that
 * lets the app push edits made offline without opening a socket.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { DOC_KEYS, NOTE_TEXT_KEY, createNote, getNote, noteDocName } from '../../src/core/workspace/index.ts';
import { type SyncServer, startSyncServer } from '../../server/index.ts';
import { connectClient, synced, waitFor } from '../helpers/sync-clients.ts';

let dataDir: string;
let server: SyncServer;
const disposers: (() => void)[] = [];

beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'driftdesk-notes-'));
  server = await startSyncServer({ port: 0, dataDir });
});
afterEach(async () => {
  for (const d of disposers.splice(0)) d();
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function client(room: string, token: string, doc?: Y.Doc) {
  const c = connectClient(server.url, room, token, doc);
  disposers.push(c.dispose);
  return c;
}

async function api(path: string, token: string, init: RequestInit = {}) {
  return fetch(`${server.url}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, ...init.headers } });
}

describe('note docs', () => {
  it('syncs a note in its own room, persisted apart from the workspace doc, read-only for commenters', async () => {
    const ws = server.store.createWorkspace('W', 'Ada');
    const editor = server.store.createMemberToken(ws.id, 'editor', 'Eve');
    const commenter = server.store.createMemberToken(ws.id, 'commenter', 'Cleo');
    const room = noteDocName(ws.id, 'n1');
    const ada = client(room, ws.token);
    const eve = client(room, editor.token);
    await Promise.all([synced(ada.provider), synced(eve.provider)]);
    ada.doc.getText(NOTE_TEXT_KEY).insert(0, '# Retrain plan\n');
    eve.doc.getText(NOTE_TEXT_KEY).insert(0, 'Draft. ');
    await waitFor(() => ada.doc.getText(NOTE_TEXT_KEY).toString() === eve.doc.getText(NOTE_TEXT_KEY).toString() && ada.doc.getText(NOTE_TEXT_KEY).length > 20, 'note converges');
    // The server writes members only into workspace docs.
    expect(ada.doc.getMap(DOC_KEYS.members).size).toBe(0);

    const cleo = client(room, commenter.token);
    await synced(cleo.provider);
    expect(cleo.doc.getText(NOTE_TEXT_KEY).toString()).toBe(ada.doc.getText(NOTE_TEXT_KEY).toString());
    cleo.doc.getText(NOTE_TEXT_KEY).insert(0, 'vandalised ');
    await new Promise((r) => setTimeout(r, 300));
    expect(ada.doc.getText(NOTE_TEXT_KEY).toString()).not.toContain('vandalised');

    await server.flushed();
    const text = ada.doc.getText(NOTE_TEXT_KEY).toString();
    const stored = new Y.Doc();
    Y.applyUpdate(stored, server.store.loadDoc(room));
    expect(stored.getText(NOTE_TEXT_KEY).toString()).toBe(text);
    // Nobody opened the workspace doc itself: nothing of the note landed in its log.
    expect(server.store.loadDoc(ws.id).byteLength).toBe(0);
  });

  it('refuses a note room to a token of another workspace and a malformed note name', async () => {
    const a = server.store.createWorkspace('A', 'Ada');
    const b = server.store.createWorkspace('B', 'Bo');
    const refused = (path: string, token: string) =>
      new Promise<number>((resolve) => {
        const socket = new WebSocket(`${server.url.replace('http', 'ws')}${path}?token=${token}`);
        socket.onerror = () => resolve(-1);
        socket.onopen = () => resolve(101);
      });
    expect(await refused(`/sync/${noteDocName(a.id, 'n1')}`, b.token)).toBe(-1);
    expect(await refused(`/sync/${a.id}:notes:n1`, a.token)).toBe(-1);
    expect(await refused(`/sync/${noteDocName(a.id, 'n1')}`, a.token)).toBe(101);
  });
});

describe('doc HTTP API', () => {
  it('takes an offline update, applies it for live clients, and answers with a state vector that covers it', async () => {
    const ws = server.store.createWorkspace('W', 'Ada');
    const live = client(ws.id, ws.token);
    await synced(live.provider);

    const offline = new Y.Doc();
    Y.applyUpdate(offline, Y.encodeStateAsUpdate(live.doc));
    const note = createNote(offline, { title: 'pushed while offline' }, { actor: { id: ws.memberId, name: 'Ada' }, now: Date.now, newId: () => 'n1' });
    const before = new Uint8Array(await (await api(`/api/v1/workspaces/${ws.id}/docs/${ws.id}/state-vector`, ws.token)).arrayBuffer());
    const diff = Y.encodeStateAsUpdate(offline, before);
    const pushed = await api(`/api/v1/workspaces/${ws.id}/docs/${ws.id}/updates`, ws.token, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: Buffer.from(diff) });
    expect(pushed.status).toBe(200);
    const vector = Y.decodeStateVector(new Uint8Array(await pushed.arrayBuffer()));
    expect(vector.get(offline.clientID)).toBe(Y.decodeStateVector(Y.encodeStateVector(offline)).get(offline.clientID));
    await waitFor(() => getNote(live.doc, note.id)?.title === 'pushed while offline', 'pushed update at live client');
    // Persisted before the answer: a fresh load has it.
    const stored = new Y.Doc();
    Y.applyUpdate(stored, server.store.loadDoc(ws.id));
    expect(getNote(stored, note.id)?.title).toBe('pushed while offline');
  });

  it('pushes to a note nobody has open, and refuses what a socket would refuse', async () => {
    const ws = server.store.createWorkspace('W', 'Ada');
    const other = server.store.createWorkspace('X', 'Xi');
    const viewer = server.store.createMemberToken(ws.id, 'viewer', 'Vic');
    const commenter = server.store.createMemberToken(ws.id, 'commenter', 'Cleo');
    const room = noteDocName(ws.id, 'n9');
    const offline = new Y.Doc();
    offline.getText(NOTE_TEXT_KEY).insert(0, 'written on a plane');
    const update = Y.encodeStateAsUpdate(offline);
    const path = `/api/v1/workspaces/${ws.id}/docs/${room}/updates`;

    const refusals = await Promise.all([
      api(path, viewer.token, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: Buffer.from(update) }),
      api(path, commenter.token, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: Buffer.from(update) }),
      api(path, other.token, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: Buffer.from(update) }),
      api(path, ws.token, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: new Uint8Array([0, 255, 255, 255, 255, 7]) }),
      api(path, ws.token, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: Buffer.from(update) }),
      api(`/api/v1/workspaces/${ws.id}/docs/${other.id}/updates`, ws.token, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: Buffer.from(update) }),
      api(path, 'ddt_not-a-token', { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: Buffer.from(update) }),
    ]);
    const bodies = await Promise.all(refusals.map(async (r) => `${r.status} ${((await r.json()) as { error: string }).error}`));
    expect(bodies[0]).toMatch(/^403 viewers cannot/);
    expect(bodies[1]).toMatch(/^403 commenters can comment on a note but not edit it/);
    expect(bodies[2]).toMatch(/^403 token is not for this workspace/);
    expect(bodies[3]).toMatch(/^400 not a Yjs update/);
    expect(bodies[4]).toMatch(/^415 send the update as application\/octet-stream/);
    expect(bodies[5]).toMatch(/^404 .* is not a doc of workspace/);
    expect(bodies[6]).toMatch(/^401 /);
    expect(server.store.loadDoc(room).byteLength).toBe(0);

    expect((await api(path, ws.token, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: Buffer.from(update) })).status).toBe(200);
    const reader = client(room, viewer.token);
    await waitFor(() => reader.doc.getText(NOTE_TEXT_KEY).toString() === 'written on a plane', 'pushed note at a later reader');
  });
});
