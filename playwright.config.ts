import { defineConfig } from '@playwright/test';
import type { AppKind } from './test/e2e/fixtures';

/**
 * One suite, two shells: `web` drives the browser mode in Debian's Chromium; `electron` drives
 * the desktop app where an Electron binary exists and reports its tests as skipped, with the
 * reason, where it does not.
 */
export default defineConfig<{ appKind: AppKind }>({
  testDir: 'test/e2e',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  reporter: [['list'], ['json', { outputFile: 'test-results/e2e.json' }]],
  use: { trace: 'retain-on-failure', screenshot: 'only-on-failure' },
  projects: [
    { name: 'web', use: { appKind: 'web' } },
    // `*.web.spec.ts`: browser mode's own machinery (the boot socket and the splash), which the
    // desktop app, talking to its host over IPC, does not have.
    { name: 'electron', use: { appKind: 'electron' }, testIgnore: '**/*.web.spec.ts' },
  ],
});
