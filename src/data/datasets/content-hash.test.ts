import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { contentHash } from './content-hash.ts';

const dir = mkdtempSync(join(tmpdir(), 'driftdesk-hash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('DVC-compatible content hash', () => {
  it('matches the md5 DVC recorded in a real dvc.lock', async () => {
    const fixture = 'test/fixtures/dvc-data-science-template';
    const lock = readFileSync(join(fixture, 'dvc.lock'), 'utf8');
    const recorded = /path: config\/main\.yaml\n\s+md5: ([0-9a-f]{32})\n\s+size: (\d+)/.exec(lock)!;
    expect(await contentHash(join(fixture, 'config/main.yaml'))).toEqual({ md5: recorded[1], size: Number(recorded[2]) });
  });

  it('hashes a directory as DVC does: md5 of the sorted .dir manifest, computed independently by Python', async () => {
    const root = join(dir, 'data');
    mkdirSync(join(root, 'raw/b'), { recursive: true });
    mkdirSync(join(root, 'raw-x'), { recursive: true });
    writeFileSync(join(root, 'raw/a.csv'), 'x,y\n1,2\n');
    writeFileSync(join(root, 'raw/b/ü.txt'), 'unicode name\r\n');
    writeFileSync(join(root, 'raw-x/c.bin'), Buffer.from([0, 1, 2, 255]));
    writeFileSync(join(root, 'top.txt'), '');
    // DVC: json.dumps(sorted entries, sort_keys=True) over {"md5", "relpath"}, then md5 + ".dir".
    const python = `
import hashlib, json, os, sys
root = sys.argv[1]
entries = []
for d, _, files in os.walk(root):
    for f in files:
        p = os.path.join(d, f)
        rel = os.path.relpath(p, root).split(os.sep)
        entries.append((tuple(rel), {"md5": hashlib.md5(open(p, "rb").read()).hexdigest(), "relpath": "/".join(rel)}))
entries.sort(key=lambda e: e[0])
print(hashlib.md5(json.dumps([e[1] for e in entries], sort_keys=True).encode("utf-8")).hexdigest() + ".dir")
`;
    const oracle = spawnSync('/usr/bin/python3', ['-c', python, root], { encoding: 'utf8' });
    expect(oracle.status, oracle.stderr).toBe(0);
    const ours = await contentHash(root);
    expect(ours.md5).toBe(oracle.stdout.trim());
    expect(ours.nfiles).toBe(4);
    expect(ours.size).toBe(8 + 14 + 4);
  });
});
