/**
 * `driftdesk import gto` as a child process against a real sync server on port 0. The registry is
 * a real git repository built in a temp folder with `git tag -a`, carrying the tags, dates,
 * authors and messages of GTO's own `gto history churn --json` fixture; reading those tags must
 * give the same registry as reading the JSON. Also: re-runs add nothing, a bad tag or a
 * protected stage with an editor's token writes nothing, and a folder inside a repository is not
 * taken for the repository.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { planFromHistory, planFromTags } from '../../src/core/gto/index.ts';
import { aliasHistory, currentAliases, findModelByName, listModelVersions, listModels } from '../../src/core/workspace/index.ts';
import { readGitTags } from '../../src/data/gto/read-gto.ts';
import { type SyncServer, startSyncServer } from '../../server/index.ts';
import { connectClient, synced } from '../helpers/sync-clients.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const RESOURCES = join(ROOT, 'test/fixtures/gto/iterative__gto/tests/resources');
const HISTORY = join(RESOURCES, 'sample_remote_repo_expected_history_churn.json');
const SHOW = join(RESOURCES, 'sample_remote_repo_expected_registry.json');

interface HistoryEntry { timestamp: string; ref: string; commit: string; author: string; author_email: string; message: string }

interface Run { code: number | null; stdout: string; stderr: string }
function cli(args: string[]): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['bin/driftdesk', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

const git = (repo: string, args: string[], env: Record<string, string> = {}) =>
  execFileSync('git', ['-C', repo, ...args], { encoding: 'utf8', env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', HOME: repo, GIT_COMMITTER_NAME: 'Tess Tagger', GIT_COMMITTER_EMAIL: 'tess@example.com', ...env } }).trim();

/** A repository with two commits (one per version in the fixture) and the fixture's tags on them. */
function buildRepo(path: string): void {
  mkdirSync(path, { recursive: true });
  git(path, ['init', '-q', '-b', 'main']);
  const history = (JSON.parse(readFileSync(HISTORY, 'utf8')) as HistoryEntry[]).slice().reverse();
  const commits = new Map<string, string>();
  for (const entry of history) {
    if (commits.has(entry.commit)) continue;
    writeFileSync(join(path, 'model.txt'), `model at ${entry.commit}\n`);
    git(path, ['add', 'model.txt']);
    const who = { GIT_AUTHOR_NAME: entry.author, GIT_AUTHOR_EMAIL: entry.author_email, GIT_COMMITTER_NAME: entry.author, GIT_COMMITTER_EMAIL: entry.author_email, GIT_COMMITTER_DATE: entry.timestamp, GIT_AUTHOR_DATE: entry.timestamp };
    git(path, ['commit', '-q', '-m', `train ${entry.ref}`], who);
    commits.set(entry.commit, git(path, ['rev-parse', 'HEAD']));
  }
  for (const entry of history) {
    const who = { GIT_COMMITTER_NAME: entry.author, GIT_COMMITTER_EMAIL: entry.author_email, GIT_COMMITTER_DATE: entry.timestamp };
    git(path, ['tag', '-a', entry.ref, '-m', entry.message, commits.get(entry.commit)!], who);
  }
  git(path, ['tag', 'v0.1-not-gto']); // a lightweight, non-GTO tag: skipped
}

let dir: string;
let server: SyncServer;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'driftdesk-gto-import-'));
  server = await startSyncServer({ port: 0, dataDir: join(dir, 'server') });
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const importArgs = (path: string, workspaceId: string, token: string, ...more: string[]) =>
  ['import', 'gto', path, '--server', server.url, '--workspace', workspaceId, '--token', token, ...more];

async function workspaceDoc(workspaceId: string, token: string): Promise<Y.Doc> {
  const client = connectClient(server.url, workspaceId, token);
  try {
    await synced(client.provider);
    const copy = new Y.Doc();
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(client.doc));
    return copy;
  } finally {
    client.dispose();
  }
}

describe('driftdesk import gto', () => {
  it('reads a real repository’s tags as GTO does: the same registry as gto history --json', { timeout: 60_000 }, async () => {
    const repo = join(dir, 'example-gto');
    buildRepo(repo);
    const fromTags = planFromTags(await readGitTags(repo));
    const fromJson = planFromHistory(JSON.parse(readFileSync(HISTORY, 'utf8')));
    expect(fromTags.skippedTags).toEqual(['v0.1-not-gto']);
    const shape = (p: typeof fromTags) => p.artifacts.map((a) => ({ name: a.modelName, versions: a.versions.map((v) => [v.label, v.tag, v.at]), moves: a.moves.map((m) => [m.stage, m.version, m.key, m.at]) }));
    expect(shape(fromTags)).toEqual(shape(fromJson));
    expect(shape(fromTags)).toEqual([{
      name: 'churn',
      versions: [['v3.0.0', 'churn@v3.0.0', Date.parse('2022-05-20T04:09:52+03:00')], ['v3.1.0', 'churn@v3.1.0', Date.parse('2022-05-24T19:16:32+03:00')]],
      moves: [['staging', 'v3.1.0', 'churn#staging#1', Date.parse('2022-05-25T23:03:12+03:00')], ['prod', 'v3.0.0', 'churn#prod#2', Date.parse('2022-05-27T02:49:52+03:00')]],
    }]);
    // And it agrees with what `gto show --json` says of churn now.
    const show = JSON.parse(readFileSync(SHOW, 'utf8')) as Record<string, { stage: Record<string, string | null> }>;
    const finalStages = Object.fromEntries(fromTags.artifacts[0]!.moves.map((m) => [m.stage, m.version]));
    expect(finalStages).toEqual(Object.fromEntries(Object.entries(show.churn!.stage).filter(([, v]) => v !== null)));
  });

  it('imports the tags into a workspace once, with GTO’s times, however often it runs', { timeout: 60_000 }, async () => {
    const ws = await server.store.createWorkspace('Registry', 'Ada');
    const editor = await server.store.createMemberToken(ws.id, 'editor', 'Eddie');
    const repo = join(dir, 'example-gto');
    const first = await cli(importArgs(repo, ws.id, editor.token));
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('git tags of example-gto (1 non-GTO tag(s) skipped)');
    expect(first.stdout).toContain('models: 1 created, 0 already there');
    expect(first.stdout).toContain('versions: 2 created, 0 already there');
    expect(first.stdout).toContain('stage moves: 2 applied, 0 already imported');
    expect(first.stdout).toContain('prod stays "prod"');

    const again = await cli(importArgs(repo, ws.id, editor.token));
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('models: 0 created, 1 already there');
    expect(again.stdout).toContain('versions: 0 created, 2 already there');
    expect(again.stdout).toContain('stage moves: 0 applied, 2 already imported');

    const doc = await workspaceDoc(ws.id, ws.token);
    const model = findModelByName(doc, 'churn')!;
    expect(model.source).toBe('gto:example-gto');
    const versions = listModelVersions(doc, model.id);
    expect(versions.map((v) => [v.label, v.source, v.createdAt, v.createdByName])).toEqual([
      ['v3.1.0', 'gto:example-gto:churn@v3.1.0', Date.parse('2022-05-24T19:16:32+03:00'), 'Eddie'],
      ['v3.0.0', 'gto:example-gto:churn@v3.0.0', Date.parse('2022-05-20T04:09:52+03:00'), 'Eddie'],
    ]);
    const aliases = currentAliases(doc, model.id);
    expect(aliases.get('prod')?.versionId).toBe(versions[1]!.id);
    expect(aliases.get('staging')?.versionId).toBe(versions[0]!.id);
    expect(aliases.get('prod')?.source).toBe('gto:example-gto:churn#prod#2');

    // The show JSON of the same registry (named alike) only adds what the tags did not have.
    const show = await cli(importArgs(SHOW, ws.id, editor.token, '--repo', 'example-gto'));
    expect(show.code).toBe(0);
    expect(show.stdout).toContain('models: 3 created, 1 already there');
    expect(show.stdout).toContain('versions: 3 created, 2 already there');
    const after = await workspaceDoc(ws.id, ws.token);
    expect(listModels(after).map((m) => m.name)).toEqual(['churn', 'cv-class', 'model-a', 'segment']);
    expect(listModelVersions(after, model.id)).toHaveLength(2);
  });

  it('writes nothing when a tag is bad, when production needs an owner, or when the folder is not a repository', { timeout: 60_000 }, async () => {
    const ws = await server.store.createWorkspace('Guarded', 'Olga');
    const editor = await server.store.createMemberToken(ws.id, 'editor', 'Eddie');
    const repo = join(dir, 'broken');
    buildRepo(repo);
    git(repo, ['tag', '-a', 'churn@3.2', '-m', 'typo: no v']);
    git(repo, ['tag', '-a', 'churn#prod#x', '-m', 'typo: counter']);
    const bad = await cli(importArgs(repo, ws.id, editor.token));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('tag "churn@3.2": version "3.2" is not "v" followed by a semantic version');
    expect(bad.stderr).toContain('tag "churn#prod#x": counter "x" is not a number');
    expect(listModels(await workspaceDoc(ws.id, ws.token))).toEqual([]);

    git(repo, ['tag', '-d', 'churn@3.2', 'churn#prod#x']);
    const head = git(repo, ['rev-parse', 'HEAD']);
    git(repo, ['tag', '-a', 'churn#production#3', '-m', 'Promoting churn to production', head]);
    const refused = await cli(importArgs(repo, ws.id, editor.token));
    expect(refused.code).toBe(1); // refused by the owner-only rule, not bad input
    expect(refused.stderr).toContain('only an owner may import (churn: production → v3.1.0 (churn#production#3))');
    expect(listModels(await workspaceDoc(ws.id, ws.token))).toEqual([]);

    const owned = await cli(importArgs(repo, ws.id, ws.token));
    expect(owned.stderr).toBe('');
    expect(owned.code).toBe(0);
    expect(owned.stdout).toContain('protected moves imported with your owner\'s token: churn: production → v3.1.0');
    const doc = await workspaceDoc(ws.id, ws.token);
    const churn = findModelByName(doc, 'churn')!;
    const production = aliasHistory(doc, churn.id).find((e) => e.alias === 'production')!;
    expect(production.override?.reason).toBe('imported from gto:broken:churn#production#3');
    expect(production.byName).toBe('Olga');

    const inside = join(repo, 'models');
    mkdirSync(inside);
    const notRepo = await cli(importArgs(inside, ws.id, ws.token));
    expect(notRepo.code).toBe(2);
    expect(notRepo.stderr).toContain(`${inside}: not a git repository`);
  });
});
