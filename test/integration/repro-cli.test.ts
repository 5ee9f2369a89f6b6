/**
 * `driftdesk push run`, `driftdesk repro check` and `driftdesk repro dockerfile` as child
 * processes against a real sync server on port 0: a run pushed from a JSON file is found by id,
 * source or name, checked and exported; output files are never silently replaced.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunIngestInput } from '../../src/core/workspace/index.ts';
import { type SyncServer, startSyncServer } from '../../server/index.ts';
import { countryGuessModel } from '../helpers/repro-details.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const DVC_DEMO = join(ROOT, 'test/fixtures/dvc/iterative__vscode-dvc/demo');

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

let dir: string;
let server: SyncServer;
let ws: { id: string; token: string };
let target: string[];
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'driftdesk-repro-cli-'));
  server = await startSyncServer({ port: 0, dataDir: join(dir, 'server') });
  ws = await server.store.createWorkspace('Repro', 'Ada');
  target = ['--server', server.url, '--workspace', ws.id, '--token', ws.token];
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const runFile = (name: string, over: Partial<RunIngestInput> = {}) => {
  const run: RunIngestInput = {
    name, experiment: 'country-guess', status: 'finished', startTime: 1_790_000_000_000, endTime: 1_790_000_600_000,
    params: { learning_rate: 0.001 }, metrics: { loss: 0.7 },
    code: { repo: 'https://github.com/JortdeJong13/country-guess.git', commit: '3ea7b47e1c2d3f4a5b6c7d8e9f0a1b2c3d4e5f60', dirty: false },
    environment: countryGuessModel(), seed: 7, clientRunId: `cli-${name}`, ...over,
  };
  const path = join(dir, `${name}.json`);
  writeFileSync(path, JSON.stringify(run));
  return path;
};

describe('driftdesk push run / repro', () => {
  it('pushes a run, checks it by name with --min, and fills data versions from a DVC repo', { timeout: 60_000 }, async () => {
    const pushed = await cli(['push', 'run', runFile('owl'), ...target]);
    expect(pushed.stderr).toBe('');
    expect(pushed.code).toBe(0);
    const answer = JSON.parse(pushed.stdout);
    // Everything but data versions: 100 - 20.
    expect(answer).toMatchObject({ source: 'api:cli-owl', outcome: 'inserted', reproScore: 80 });

    const check = await cli(['repro', 'check', 'owl', ...target, '--min', '80']);
    expect(check.code).toBe(0);
    expect(check.stdout).toContain(`Run owl (${answer.id}): reproducibility 80/100`);
    expect(check.stdout).toMatch(/FAIL {4}Data versions by hash\s+0\/20 {2}No dataset versions recorded/);
    expect(check.stdout).toMatch(/PASS {4}Environment captured and pinned\s+30\/30 {2}8 packages from model\/MLmodel/);

    const strict = await cli(['repro', 'check', answer.id, ...target, '--min', '90']);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain('score 80 is below --min 90');

    const dvc = await cli(['repro', 'check', 'api:cli-owl', ...target, '--json', '--dvc-repo', DVC_DEMO]);
    expect(dvc.code).toBe(0);
    expect(dvc.stderr).toContain(`6 data version(s) from the DVC records in ${DVC_DEMO}`);
    expect(JSON.parse(dvc.stdout)).toMatchObject({ run: { id: answer.id }, score: 100 });
  });

  it('prints the Dockerfile, writes the three files into --out, and refuses to replace them without --force', { timeout: 60_000 }, async () => {
    await cli(['push', 'run', runFile('lynx', { dataVersions: [{ name: 'raw', hash: '8c257df187855c681f88bde92d721ccd.dir', kind: 'dvc', path: 'data/MNIST/raw', remote: 'storage' }] }), ...target]);
    const printed = await cli(['repro', 'dockerfile', 'lynx', ...target]);
    expect(printed.code).toBe(0);
    expect(printed.stdout).toContain('FROM python:3.12.8-slim\n');
    expect(printed.stdout).toContain("git -C /work/code checkout '3ea7b47e1c2d3f4a5b6c7d8e9f0a1b2c3d4e5f60'");
    expect(printed.stderr).toContain("driftdesk: not pinned: dvc is not in the run's environment");

    const out = join(dir, 'export', 'lynx');
    const wrote = await cli(['repro', 'dockerfile', 'lynx', ...target, '--out', out]);
    expect(wrote.code).toBe(0);
    expect(readFileSync(join(out, 'Dockerfile'), 'utf8')).toBe(printed.stdout);
    expect(readFileSync(join(out, 'requirements.txt'), 'utf8')).toContain('torch==2.5.1\n');
    expect(readFileSync(join(out, 'fetch-data.sh'), 'utf8')).toContain("dvc pull -r 'storage' -- 'data/MNIST/raw'");
    expect(statSync(join(out, 'fetch-data.sh')).mode & 0o111).not.toBe(0);

    writeFileSync(join(out, 'requirements.txt'), 'mine\n');
    const again = await cli(['repro', 'dockerfile', 'lynx', ...target, '--out', out]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('Dockerfile exists; pass --force to replace it (nothing was written)');
    expect(readFileSync(join(out, 'requirements.txt'), 'utf8')).toBe('mine\n');
    const forced = await cli(['repro', 'dockerfile', 'lynx', ...target, '--out', out, '--force']);
    expect(forced.code).toBe(0);
    expect(readFileSync(join(out, 'requirements.txt'), 'utf8')).toContain('torch==2.5.1\n');

    // --force does not write through a symlink planted in the folder.
    const linked = join(dir, 'export', 'linked');
    mkdirSync(linked, { recursive: true });
    symlinkSync(join(dir, 'victim.txt'), join(linked, 'Dockerfile'));
    const planted = await cli(['repro', 'dockerfile', 'lynx', ...target, '--out', linked, '--force']);
    expect(planted.code).toBe(2);
    expect(planted.stderr).toContain('Dockerfile: is a symlink; not written through');
    expect(existsSync(join(dir, 'victim.txt'))).toBe(false);
  });

  it('names what is wrong: unknown run, ambiguous name, bad token, bad file', { timeout: 60_000 }, async () => {
    const unknown = await cli(['repro', 'check', 'no-such-run', ...target]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no run "no-such-run" in this workspace \(by id, source or name\); runs include /);

    await cli(['push', 'run', runFile('twin', { clientRunId: 'twin-1' }), ...target]);
    await cli(['push', 'run', runFile('twin', { clientRunId: 'twin-2' }), ...target]);
    const twins = await cli(['repro', 'dockerfile', 'twin', ...target]);
    expect(twins.code).toBe(2);
    expect(twins.stderr).toContain('2 runs are named "twin"; pass one id: ');

    const badToken = await cli(['repro', 'check', 'owl', '--server', server.url, '--workspace', ws.id, '--token', 'ddt_wrong']);
    expect(badToken.code).toBe(2);
    expect(badToken.stderr).toContain('refused this token: it is unknown or was revoked');

    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ name: 'x', experiment: 'e', status: 'finished', startTime: 1, metric: {} }));
    const refused = await cli(['push', 'run', bad, ...target]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/bad\.json: .*metric/);

    const usage = await cli(['repro', 'check', 'owl', ...target, '--min', 'lots']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('--min must be a number from 0 to 100');
  });
});
