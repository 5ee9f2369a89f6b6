/**
 * Test helper (not shipped: only tests import it): runs make-test-notebooks.py with Debian's
 * nbformat/nbconvert into a fresh temp folder and returns where the files are.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('./make-test-notebooks.py', import.meta.url));

export interface TestNotebooks {
  dir: string;
  bytes: (name: string) => Uint8Array;
  expected: Record<string, { modified: string[]; added: string[]; removed: string[]; moved: string[] }>;
  dispose: () => void;
}

/** Writes the notebooks (executing one with a real kernel when `execute`); takes ~3 s with it. */
export function makeTestNotebooks(execute = false): TestNotebooks {
  const dir = mkdtempSync(join(tmpdir(), 'driftdesk-nb-'));
  execFileSync('/usr/bin/python3', [SCRIPT, dir, ...(execute ? ['--execute'] : [])], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, PYDEVD_DISABLE_FILE_VALIDATION: '1' } });
  return {
    dir,
    bytes: (name) => new Uint8Array(readFileSync(join(dir, name))),
    expected: JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')),
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}
