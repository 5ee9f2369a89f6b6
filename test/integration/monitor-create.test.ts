/**
 * `monitors.create` and `monitors.update` (a new reference) through the host contract, against a real server and a real local cache:
 * the dataset version's file is uploaded and the server creates the monitor from it; what
 * cannot work (bad rules, a file not on this machine, a changed file, a server that refuses or
 * is gone) is refused with a message a person can act on, and creates nothing.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { listMonitors } from '../../src/core/monitor/index.ts';
import { addDatasetVersion, listDatasetVersions } from '../../src/core/workspace/index.ts';
import { createHostHandlers } from '../../src/node/host-handlers.ts';
import { JobRunner } from '../../src/node/jobs.ts';
import { LocalCache } from '../../src/node/local-cache.ts';
import { dispatchHostCall } from '../../src/shared/host-contract.ts';
import { type SyncServer, startSyncServer } from '../../server/index.ts';
import { seattleWeatherYear } from '../helpers/seattle-weather.ts';

let dir: string;
let server: SyncServer;
let cache: LocalCache;
let handlers: ReturnType<typeof createHostHandlers>;
let workspaceId: string;
const versions: Record<'here' | 'elsewhere' | 'changed' | 'next', string> = { here: '', elsewhere: '', changed: '', next: '' };
const rules = [{ kind: 'columnDrift', id: 'temp', column: 'temp_max' }];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'driftdesk-monitor-create-'));
  server = await startSyncServer({ port: 0, dataDir: join(dir, 'server') });
  cache = new LocalCache({ file: join(dir, 'cache.sqlite') });
  const ws = server.store.createWorkspace('Weather', 'Ada');
  workspaceId = ws.id;
  cache.saveConnection({ workspaceId, name: 'Weather', serverUrl: server.url, token: ws.token, memberId: ws.memberId, memberName: 'Ada', role: 'owner', local: false, lastOpenedAt: 0 });
  handlers = createHostHandlers({ cache, jobs: new JobRunner({ node: process.execPath, cli: 'bin/driftdesk' }), localServer: null, info: { mode: 'web', version: 'test', dataDir: dir } });

  // The workspace doc as the window leaves it in the cache: three versions, as the UI adds them.
  const doc = new Y.Doc();
  doc.on('update', (u: Uint8Array) => cache.appendUpdates(workspaceId, [u], [true]));
  const ctx = { actor: { id: ws.memberId, name: 'Ada' }, now: () => Date.now(), newId: () => crypto.randomUUID() };
  const add = (year: number, path: string | null) => {
    const text = seattleWeatherYear(year);
    const md5 = createHash('md5').update(text).digest('hex');
    if (path) {
      writeFileSync(path, text);
      cache.recordLocalFile(md5, path);
    }
    return addDatasetVersion(doc, { dataset: 'seattle', fileName: `seattle-${year}.csv`, format: 'csv', md5, size: text.length, rows: 366, columns: 6, profileBlob: 'b'.repeat(64) }, ctx).id;
  };
  versions.here = add(2012, join(dir, 'seattle-2012.csv'));
  versions.elsewhere = add(2013, null);
  versions.changed = add(2014, join(dir, 'seattle-2014.csv'));
  versions.next = add(2015, join(dir, 'seattle-2015.csv'));
  writeFileSync(join(dir, 'seattle-2014.csv'), seattleWeatherYear(2015));
});
afterAll(async () => {
  cache.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const create = (fields: Record<string, unknown>) =>
  dispatchHostCall(handlers, 'monitors.create', { workspaceId, name: 'Rain model', model: 'rain-forecast', referenceVersionId: versions.here, rules, ...fields });

function serverMonitors() {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, server.store.loadDoc(workspaceId));
  return listMonitors(doc);
}

describe('monitors.create', () => {
  it('uploads the version file and has the server create the monitor on it', async () => {
    const reply = await create({ expectBatchEveryMs: 86_400_000 });
    expect(reply.kind).toBe('ok');
    const { monitorId } = (reply as { value: { monitorId: string } }).value;
    await server.flushed();
    const [monitor] = serverMonitors();
    expect(monitor).toMatchObject({ id: monitorId, name: 'Rain model', model: 'rain-forecast', referenceFormat: 'csv', expectBatchEveryMs: 86_400_000, rules });
    expect(monitor!.referenceBlob).toBe(createHash('sha256').update(seattleWeatherYear(2012)).digest('hex'));
    // The version the person picked is the monitor's reference: the server linked it (it got
    // there with the push before the request) rather than recording a copy.
    expect(monitor!.referenceVersionId).toBe(versions.here);
    const doc = new Y.Doc();
    Y.applyUpdate(doc, server.store.loadDoc(workspaceId));
    expect(listDatasetVersions(doc).map((v) => v.fileName).sort()).toEqual(['seattle-2012.csv', 'seattle-2013.csv', 'seattle-2014.csv', 'seattle-2015.csv']);
  });

  it('refuses what cannot work, with the reason, and creates nothing', async () => {
    const before = serverMonitors().length;
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ rules: [{ kind: 'driftShare', id: 's', critical: 1.5 }] }, /rules\.0\.critical/],
      [{ rules: [] }, /add at least one rule/],
      [{ name: '  ' }, /name is required/],
      [{ referenceVersionId: versions.elsewhere }, /the file of seattle-2013\.csv is not on this machine/],
      [{ referenceVersionId: versions.changed }, /changed since it was added as seattle-2014\.csv/],
      [{ referenceVersionId: 'nope' }, /dataset version nope is not in this machine's copy/],
      // The server's own reason comes through.
      [{ rules: [...rules, ...rules] }, /the server refused the monitor \(400\): .*rule ids must be unique/],
    ];
    for (const [fields, message] of cases) {
      const reply = await create(fields);
      expect(reply).toMatchObject({ kind: 'error', message: expect.stringMatching(message) });
    }
    await server.flushed();
    expect(serverMonitors()).toHaveLength(before);
  });

  it('says so when the server is unreachable', async () => {
    const conn = cache.getConnection(workspaceId)!;
    cache.saveConnection({ ...conn, serverUrl: 'http://127.0.0.1:9' });
    try {
      expect(await create({})).toMatchObject({ kind: 'error', message: expect.stringMatching(/could not be uploaded.*unreachable/) });
    } finally {
      cache.saveConnection(conn);
    }
  });
});

describe('monitors.update with another reference', () => {
  const sha = (year: number) => createHash('sha256').update(seattleWeatherYear(year)).digest('hex');
  const update = (monitorId: string, changes: Record<string, unknown>) => dispatchHostCall(handlers, 'monitors.update', { workspaceId, monitorId, changes });
  const monitorOnServer = (id: string) => serverMonitors().find((m) => m.id === id)!;

  it('uploads the picked version and the server makes it the reference; batches are compared with it', async () => {
    const created = await create({ name: 'Rain model (new reference)' });
    const { monitorId } = (created as { value: { monitorId: string } }).value;
    const newRules = [{ kind: 'columnDrift', id: 'wind', column: 'wind' }];
    const reply = await update(monitorId, { referenceVersionId: versions.next, rules: newRules });
    expect(reply).toMatchObject({ kind: 'ok', value: { monitorId, referenceVersionId: versions.next } });
    await server.flushed();
    expect(monitorOnServer(monitorId)).toMatchObject({ referenceVersionId: versions.next, referenceBlob: sha(2015), referenceFormat: 'csv', rules: newRules });
    // The version was linked, not recorded again.
    const doc = new Y.Doc();
    Y.applyUpdate(doc, server.store.loadDoc(workspaceId));
    expect(listDatasetVersions(doc).filter((v) => v.fileName === 'seattle-2015.csv')).toHaveLength(1);

    // The 2015 file against itself: nothing drifts, where against 2012 temp_max would.
    const conn = cache.getConnection(workspaceId)!;
    const res = await fetch(`${server.url}/api/v1/workspaces/${workspaceId}/monitors/${monitorId}/batches`, {
      method: 'POST', headers: { authorization: `Bearer ${conn.token}`, 'content-type': 'text/csv' }, body: seattleWeatherYear(2015),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { driftedColumns: number }).driftedColumns).toBe(0);
  });

  it('refuses a version it cannot upload, with the reason, and changes nothing', async () => {
    const created = await create({ name: 'Rain model (kept reference)' });
    const { monitorId } = (created as { value: { monitorId: string } }).value;
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ referenceVersionId: versions.elsewhere }, /the file of seattle-2013\.csv is not on this machine/],
      [{ referenceVersionId: versions.changed }, /changed since it was added as seattle-2014\.csv/],
      [{ referenceVersionId: 'nope' }, /dataset version nope is not in this machine's copy/],
      // The server holds the kept rules to the new reference's columns and names the one it lacks.
      [{ referenceVersionId: versions.next, rules: [{ kind: 'columnDrift', id: 'h', column: 'humidity' }] }, /the server refused the change \(400\): .*humidity/],
    ];
    for (const [changes, message] of cases) expect(await update(monitorId, changes)).toMatchObject({ kind: 'error', message: expect.stringMatching(message) });
    await server.flushed();
    expect(monitorOnServer(monitorId)).toMatchObject({ referenceVersionId: versions.here, referenceBlob: sha(2012), rules });
  });
});
