/**
 * Any member compares any two versions (issue 17): Ada's host adds two versions of real data
 * (vega-datasets' seattle-weather, 2012 and 2015), uploading each file into the workspace's
 * blob store; Bob's and Vic's hosts, on other caches without the files, download them and run
 * the exact comparison — the same report as the CLI on the files. When a file was never
 * uploaded (over the server's limit), the comparison runs on the stored profiles and says so.
 * A real server on port 0, real SQLite caches, the real CLI worker.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SyncServer, startSyncServer } from '../../server/index.ts';
import type { DriftComparison } from '../../src/core/profile/index.ts';
import type { ComparedFiles, JobState, ProfiledFile } from '../../src/shared/host-contract.ts';
import { createHostHandlers } from '../../src/node/host-handlers.ts';
import { JobRunner } from '../../src/node/jobs.ts';
import { LocalCache } from '../../src/node/local-cache.ts';
import { seattleWeatherYear } from '../helpers/seattle-weather.ts';

type Handlers = ReturnType<typeof createHostHandlers>;
const dir = mkdtempSync(join(tmpdir(), 'driftdesk-teammates-'));
const caches: LocalCache[] = [];
const servers: SyncServer[] = [];
afterAll(async () => {
  for (const c of caches) c.close();
  for (const s of servers) await s.close();
  rmSync(dir, { recursive: true, force: true });
});

function hostFor(name: string, server: SyncServer, workspaceId: string, token: string, role: 'owner' | 'editor' | 'viewer'): Handlers {
  const home = join(dir, `${name}-${server.port}`);
  mkdirSync(home, { recursive: true });
  const cache = new LocalCache({ file: join(home, 'cache.sqlite') });
  caches.push(cache);
  cache.saveConnection({ workspaceId, name: 'W', serverUrl: server.url, token, memberId: name, memberName: name, role, local: false, lastOpenedAt: 0 });
  return createHostHandlers({ cache, jobs: new JobRunner({ node: process.execPath, cli: 'bin/driftdesk' }), localServer: null, info: { mode: 'web', version: 'test', dataDir: home } });
}

async function finished(host: Handlers, jobId: string): Promise<JobState & { kind: 'done' }> {
  for (;;) {
    const state = await host['jobs.get']({ jobId });
    if (state.kind === 'failed') throw new Error(state.message);
    if (state.kind === 'done') return state;
    await new Promise((r) => setTimeout(r, 50));
  }
}

const files = { 2012: join(dir, 'weather-2012.csv'), 2015: join(dir, 'weather-2015.csv') };
writeFileSync(files[2012], seattleWeatherYear(2012));
writeFileSync(files[2015], seattleWeatherYear(2015));
const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

async function addVersion(host: Handlers, workspaceId: string, path: string): Promise<ProfiledFile> {
  const { jobId } = await host['datasets.profile']({ workspaceId, path });
  return (await finished(host, jobId)).result as ProfiledFile;
}

const side = (v: ProfiledFile) => ({ md5: v.md5, fileName: v.fileName, profileBlob: v.profileBlob, ...(v.fileBlob ? { fileBlob: v.fileBlob } : {}) });

async function compare(host: Handlers, workspaceId: string, ref: ProfiledFile, cur: ProfiledFile): Promise<{ result: ComparedFiles; report: DriftComparison }> {
  const { jobId } = await host['datasets.compare']({ workspaceId, reference: side(ref), current: side(cur) });
  const result = (await finished(host, jobId)).result as ComparedFiles;
  const { data } = await host['blobs.get']({ workspaceId, sha256: result.reportBlob });
  return { result, report: JSON.parse(new TextDecoder().decode(data)) as DriftComparison };
}

describe('a teammate compares versions someone else added', () => {
  let server: SyncServer;
  beforeAll(async () => {
    server = await startSyncServer({ port: 0, dataDir: join(dir, 'server') });
    servers.push(server);
  });

  it('uploads each file when it is added (resuming what the server has), and Bob and Vic run the exact comparison from the blob store', async () => {
    const ws = server.store.createWorkspace('W', 'Ada');
    const ada = hostFor('ada', server, ws.id, ws.token, 'owner');
    // Half of the 2012 file is already on the server (an upload cut off earlier): adding the version resumes it.
    const bytes = readFileSync(files[2012]);
    const headers = { authorization: `Bearer ${ws.token}` };
    await fetch(`${server.url}/api/v1/workspaces/${ws.id}/uploads`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ sha256: sha(files[2012]), size: bytes.length }) });
    await fetch(`${server.url}/api/v1/workspaces/${ws.id}/uploads/${sha(files[2012])}/0`, { method: 'PUT', headers: { ...headers, 'content-type': 'application/octet-stream' }, body: new Uint8Array(bytes.subarray(0, 5000)) });

    const v2012 = await addVersion(ada, ws.id, files[2012]);
    const v2015 = await addVersion(ada, ws.id, files[2015]);
    expect(v2012).toMatchObject({ fileBlob: sha(files[2012]), fileUploadError: null });
    expect(v2015).toMatchObject({ fileBlob: sha(files[2015]), fileUploadError: null });
    expect(Buffer.from(server.store.getBlob(ws.id, sha(files[2012]))!).equals(bytes)).toBe(true);

    const own = await compare(ada, ws.id, v2012, v2015);
    expect(own.result.basis).toBe('files');

    const bob = server.store.createMemberToken(ws.id, 'editor', 'Bob');
    const vic = server.store.createMemberToken(ws.id, 'viewer', 'Vic');
    for (const [name, token, role] of [['bob', bob.token, 'editor'], ['vic', vic.token, 'viewer']] as const) {
      const host = hostFor(name, server, ws.id, token, role);
      expect((await host['datasets.localFiles']({ md5s: [v2012.md5, v2015.md5] })).available).toEqual([]);
      const theirs = await compare(host, ws.id, v2012, v2015);
      expect(theirs.result.basis, name).toBe('files');
      // Exactly Ada's comparison: same tests, same scores, same histograms.
      expect(theirs.report.columns, name).toEqual(own.report.columns);
      expect(theirs.report.histograms, name).toEqual(own.report.histograms);
      expect(theirs.report.columns.find((c) => c.name === 'temp_max')).toMatchObject({ test: 'ks', drifted: true });
      // The downloaded files stay in the host's cache: the next comparison needs no download.
      expect((await host['datasets.localFiles']({ md5s: [v2012.md5, v2015.md5] })).available.sort()).toEqual([v2012.md5, v2015.md5].sort());
      expect(existsSync(join(dir, `${name}-${server.port}`, 'dataset-files', v2015.fileBlob!, 'weather-2015.csv'))).toBe(true);
    }
  }, 120_000);

  it('refuses a downloaded file that is not the version the profile describes (a record naming another blob), and compares on profiles instead', async () => {
    const ws = server.store.createWorkspace('W', 'Ada');
    const ada = hostFor('ada2', server, ws.id, ws.token, 'owner');
    const v2012 = await addVersion(ada, ws.id, files[2012]);
    const v2015 = await addVersion(ada, ws.id, files[2015]);
    const bob = hostFor('bob2', server, ws.id, server.store.createMemberToken(ws.id, 'editor', 'Bob').token, 'editor');
    // A version record whose fileBlob names other bytes (the 2012 file's) than its own.
    const { result, report } = await compare(bob, ws.id, v2012, { ...v2015, fileBlob: v2012.fileBlob });
    expect(result.basis).toBe('profiles');
    expect(report.basis_note).toMatch(/^the current file \(weather-2015\.csv\) could not be downloaded: it is not this version's file \(md5 /i);
    expect((await bob['datasets.localFiles']({ md5s: [v2015.md5] })).available).toEqual([]);
  }, 120_000);
});

describe('a file that is not available anywhere', () => {
  it('is compared on the two stored profiles with the tests a profile allows, and the report says so', async () => {
    // A server that takes no file this large: the versions are added, their files stay with Ada.
    const server = await startSyncServer({ port: 0, dataDir: join(dir, 'small-server'), maxUploadBytes: 1000 });
    servers.push(server);
    const ws = server.store.createWorkspace('W', 'Ada');
    const ada = hostFor('ada3', server, ws.id, ws.token, 'owner');
    const v2012 = await addVersion(ada, ws.id, files[2012]);
    const v2015 = await addVersion(ada, ws.id, files[2015]);
    expect(v2012.fileBlob).toBeNull();
    expect(v2012.fileUploadError).toMatch(/not shared with the team \(the file is \d+ bytes .*at most 1000 bytes/);

    const exact = await compare(ada, ws.id, v2012, v2015);
    const bob = hostFor('bob3', server, ws.id, server.store.createMemberToken(ws.id, 'editor', 'Bob').token, 'editor');
    const { result, report } = await compare(bob, ws.id, v2012, v2015);
    expect(result.basis).toBe('profiles');
    expect(result.basisNote).toMatch(/^The reference file \(weather-2012\.csv\) is not on this machine and was not uploaded.*Compared on the two stored profiles, not on the files/);
    expect(report.basis).toBe('profiles');
    // weather has 5 values, all in its profile: the file test on exact counts, the very same score.
    const byName = (r: DriftComparison, n: string) => r.columns.find((c) => c.name === n)!;
    expect(byName(report, 'weather')).toEqual(byName(exact.report, 'weather'));
    expect(byName(report, 'weather').test).toBe('chisquare');
    // Numerical columns: psi on histograms, marked approximate; temp_max's drift shows there too.
    for (const name of ['precipitation', 'temp_max', 'temp_min', 'wind']) expect(byName(report, name).test).toBe('psi');
    // date is text (pandas keeps CSV dates as strings), 365 values: more than a profile lists, so the coarser jensenshannon.
    expect(byName(report, 'date')).toMatchObject({ type: 'categorical', test: 'jensenshannon' });
    expect(report.approximate_columns?.sort()).toEqual(['date', 'precipitation', 'temp_max', 'temp_min', 'wind']);
    expect(byName(report, 'temp_max').drifted).toBe(true);
  }, 120_000);
});
