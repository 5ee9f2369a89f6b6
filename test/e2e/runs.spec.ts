import { readFile } from 'node:fs/promises';
/**
 * Runs end to end: real MLflow stores imported with `driftdesk import mlflow` into a workspace
 * on the app's own server, then the runs table (sort, filter, columns), a run page (params,
 * metric chart, comment, note), and compare (differences only, environment diff from real
 * environment files). A second test fills a workspace with 5,000 runs and checks the table
 * renders a window of rows, not all of them.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
  // Every page here must run under the app's CSP without a refusal (as csp.spec checks the others).
  await app.page.addInitScript(() => {
    const seen: string[] = [];
    (window as { __cspViolations?: string[] }).__cspViolations = seen;
    document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));
  });
  await app.page.reload();
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

  // A dataset version in the workspace (seattle-weather 2012): a run that read it links to it.
  const dataDir = mkdtempSync(join(tmpdir(), 'driftdesk-e2e-runs-'));
  const lines = readFileSync(join(repoRoot, 'node_modules/vega-datasets/data/seattle-weather.csv'), 'utf8').trim().split('\n');
  const csv = join(dataDir, 'seattle-2012.csv');
  writeFileSync(csv, [lines[0], ...lines.slice(1).filter((l) => l.startsWith('2012'))].join('\n') + '\n');
  const trainMd5 = createHash('md5').update(readFileSync(csv)).digest('hex');
  await page.getByRole('link', { name: 'Datasets' }).click();
  const add = page.getByRole('form', { name: 'Add a dataset version' });
  await add.getByLabel('File on this machine').fill(csv);
  await add.getByLabel('Dataset').fill('seattle-weather');
  await add.getByRole('button', { name: 'Profile and add' }).click();
  await expect(add.getByRole('status').filter({ hasText: 'Added' })).toContainText(/rows, 6 columns/, { timeout: 30_000 });
  rmSync(dataDir, { recursive: true, force: true });
  await page.getByRole('link', { name: 'Runs', exact: true }).click();

  // Three runs from a training script, with real environment files (MLflow's own test models).
  const day = Date.UTC(2026, 5, 1);
  await seedRuns(target, [
    detailedRun({ name: 'churn-a', experiment: 'churn', params: { lr: '0.001', optimizer: 'sgd', epochs: '4' }, loss: [0.9, 0.7, 0.5, 0.42], environment: modelEnvironment('mlflow__mlflow/tests/resources/pyfunc_models/2.7.1'), startTime: day, dataVersions: [{ name: 'train', hash: 'a3f5c1d2e4b6a7c8d9e0f1a2b3c4d5e6', kind: 'dvc', path: 'data/train.csv' }] }),
    detailedRun({ name: 'churn-b', experiment: 'churn', params: { lr: '0.01', optimizer: 'adam', epochs: '4' }, loss: [0.8, 0.5, 0.3, 0.25], environment: modelEnvironment('mlflow__mlflow/tests/resources/pyfunc_models/2.8.1'), startTime: day + 3_600_000, dataVersions: [{ name: 'train', hash: trainMd5, kind: 'dvc', path: 'data/train.csv' }] }),
    detailedRun({ name: 'churn-c', experiment: 'churn', params: { lr: '0.1', optimizer: 'adamw', epochs: '4' }, loss: [0.7, 0.45, 0.35, 0.31], environment: [], startTime: day + 7_200_000 }),
  ]);
  await expect(page.getByTestId('runs-count')).toHaveText('11 runs');
  await screenshot(page, info, 'runs-table');
  // At 1400 px the table uses the window's width, and the run's name stays in view when it
  // scrolls sideways.
  await page.setViewportSize({ width: 1400, height: 900 });
  const scroller = page.getByTestId('runs-scroll');
  expect((await scroller.boundingBox())!.width).toBeGreaterThan(1100);
  await scroller.evaluate((el) => el.scrollTo({ left: el.scrollWidth }));
  await expect(page.getByRole('table', { name: 'Runs' }).locator('td.name-col').first()).toBeInViewport({ ratio: 0.9 });
  await page.screenshot({ path: join(repoRoot, 'test-results', 'screens', 'runs-table-1400.png') });
  await scroller.evaluate((el) => el.scrollTo({ left: 0 }));

  // Sort by name, both ways (keyboard: the header is a button).
  const runsTable = page.getByRole('table', { name: 'Runs' });
  const nameHeader = runsTable.getByRole('columnheader', { name: /^Run/ });
  await nameHeader.getByRole('button').focus();
  await page.keyboard.press('Enter');
  await expect(nameHeader).toHaveAttribute('aria-sort', 'ascending');
  const ascending = await rowNames(page);
  expect(ascending).toEqual([...ascending].sort((a, b) => a.localeCompare(b, undefined, { numeric: true, sensitivity: 'base' })));
  await page.keyboard.press('Enter');
  await expect(nameHeader).toHaveAttribute('aria-sort', 'descending');
  expect(await rowNames(page)).toEqual([...ascending].reverse());

  // Filter: a typo is explained, not crashed on; a good filter narrows the rows and is in the URL.
  const filter = page.getByRole('searchbox', { name: 'Filter' });
  await filter.fill('experiment = churn lss < 0.3');
  await expect(page.getByRole('alert')).toContainText('no run has a metric, param or tag "lss" — did you mean loss?');
  await expect(page.getByTestId('runs-count')).toHaveText('3 of 11 runs');
  await filter.fill('experiment = churn loss < 0.3');
  await expect(page.getByTestId('runs-count')).toHaveText('1 of 11 runs');
  expect(await rowNames(page)).toEqual(['churn-b']);
  await filter.fill('tags.team = vision lr >= 0.01');
  await expect(page.getByTestId('runs-count')).toHaveText('2 of 11 runs');
  expect(new URL(page.url()).hash).toContain('q=tags.team');

  // Choose a column; it sorts like any other, and stays chosen after a reload.
  await page.getByText(/^Columns \(/).click();
  await page.getByRole('group', { name: /^Params/ }).getByRole('checkbox', { name: 'optimizer', exact: true }).check();
  await page.getByText(/^Columns \(/).click();
  await filter.fill('experiment = churn');
  const optimizer = runsTable.getByRole('columnheader', { name: /^optimizer / });
  await optimizer.getByRole('button').click();
  await expect(optimizer).toHaveAttribute('aria-sort', 'ascending');
  expect(await rowNames(page)).toEqual(['churn-b', 'churn-c', 'churn-a']);
  await page.reload();
  await expect(runsTable.getByRole('columnheader', { name: /^optimizer / })).toHaveAttribute('aria-sort', 'ascending');
  await expect(filter).toHaveValue('experiment = churn');
  await screenshot(page, info, 'runs-table-filtered');

  // The run page: params, a drawn metric chart on each axis, environment, lineage, a comment and a note.
  await runsTable.getByRole('link', { name: 'churn-b' }).click();
  await expect(page.getByRole('heading', { name: /churn-b/, level: 2 })).toBeVisible();
  await expect(page.getByRole('table', { name: 'Params' })).toContainText('optimizer');
  const lossChart = page.getByRole('figure', { name: 'Chart of loss' });
  await expect(lossChart.locator('path.recharts-curve')).toHaveCount(1);
  expect(await lossChart.locator('path.recharts-curve').getAttribute('d')).toMatch(/^M[\d.]+,[\d.]+/);
  await page.getByRole('group', { name: 'X axis' }).getByRole('button', { name: 'Relative time' }).click();
  await expect(lossChart).toContainText('Relative time');
  await expect(lossChart).toContainText('1m 0s');
  await expect(page.getByTestId('python-version')).toContainText('3.11.12');
  await expect(page.getByRole('table', { name: 'ML packages' })).toContainText('mlflow');
  await expect(page.getByRole('table', { name: 'Data versions used' })).toContainText('data/train.csv');
  await page.getByRole('table', { name: 'Data versions used' }).getByRole('link', { name: 'seattle-weather · seattle-2012.csv' }).click();
  await expect(page.getByRole('heading', { name: 'seattle-weather · seattle-2012.csv' })).toBeVisible();
  await page.goBack();
  // Reproducibility: the checklist with its score, and the Dockerfile export as three downloads.
  const repro = page.getByRole('region', { name: 'Reproducibility' });
  await expect(repro.getByRole('list', { name: 'Reproducibility checklist' }).getByRole('listitem')).toHaveCount(5);
  await expect(repro.getByRole('meter', { name: 'Reproducibility score' })).toHaveAttribute('value', /^\d+$/);
  const downloads: { name: string; text: Promise<string> }[] = [];
  page.on('download', (d) => downloads.push({ name: d.suggestedFilename(), text: d.path().then((p) => readFile(p!, 'utf8')) }));
  await repro.getByRole('button', { name: 'Export Dockerfile' }).click();
  await expect.poll(() => downloads.map((d) => d.name).sort()).toEqual(['Dockerfile', 'fetch-data.sh', 'requirements.txt']);
  const dockerfile = await downloads.find((d) => d.name === 'Dockerfile')!.text;
  expect(dockerfile).toMatch(/^FROM python:3\.11/m);
  expect(await downloads.find((d) => d.name === 'requirements.txt')!.text).toMatch(/^mlflow==2\.8\.1$/m);
  await page.getByRole('form', { name: 'Comment on this run' }).getByLabel('Comment').fill('Loss still falling at step 3: train longer?');
  await page.getByRole('form', { name: 'Comment on this run' }).getByRole('button', { name: 'Comment' }).click();
  await expect(page.getByRole('list', { name: 'Comments on this run' })).toContainText('Loss still falling at step 3');
  await page.getByRole('button', { name: 'Add a note' }).click();
  await page.getByRole('form', { name: 'Edit the run note' }).getByLabel('Note').fill('Best churn run so far; adam beats sgd.');
  await page.getByRole('button', { name: 'Save note' }).click();
  await expect(page.getByTestId('run-note-text')).toHaveText('Best churn run so far; adam beats sgd.');
  await screenshot(page, info, 'run-page');

  // Compare three runs: differences only, overlaid charts, environment diff, data versions.
  await page.getByRole('link', { name: '← Runs' }).click(); // back to the table as it was left
  await expect(filter).toHaveValue('experiment = churn');
  const compareButton = page.getByRole('button', { name: /^Compare \(/ });
  await expect(compareButton).toBeDisabled();
  for (const name of ['churn-a', 'churn-b', 'churn-c']) await page.getByRole('checkbox', { name: `Select ${name}` }).check();
  await expect(compareButton).toHaveText('Compare (3)');
  await compareButton.click();
  await expect(page.getByRole('heading', { name: 'Compare runs' })).toBeVisible();
  const paramsTable = page.getByRole('table', { name: 'Params side by side' });
  await expect(paramsTable.locator('tbody tr')).toHaveCount(3);
  await page.getByRole('switch', { name: 'Differences only' }).check();
  await expect(paramsTable.locator('tbody tr')).toHaveCount(2);
  await expect(paramsTable.locator('tbody th')).toHaveText(['lr (differs)', 'optimizer (differs)']);
  await expect(page.getByTestId('params-summary')).toHaveText('2 of 3 params differ');
  const overlay = page.getByRole('figure', { name: 'Chart of loss' });
  await expect(overlay.locator('path.recharts-curve')).toHaveCount(3);
  await expect(overlay.locator('.recharts-legend-wrapper')).toContainText('churn-c');
  const dashes = await overlay.locator('path.recharts-curve').evaluateAll((paths) => paths.map((p) => p.getAttribute('stroke-dasharray') ?? ''));
  expect(new Set(dashes).size).toBe(3);
  const envDiff = page.getByTestId('env-diff');
  await expect(envDiff).toHaveCount(1);
  await expect(envDiff).toContainText('churn-a → churn-b');
  await expect(envDiff).toContainText('Python: 3.9.13 → 3.11.12 minor');
  await expect(envDiff.getByRole('row', { name: /mlflow/ })).toContainText('minor');
  await expect(envDiff.getByRole('row', { name: /mlflow/ })).toContainText('2.7.1');
  await expect(page.getByText('churn-a → churn-c: churn-c has no captured environment')).toBeVisible();
  await expect(page.getByRole('table', { name: 'Data versions side by side' }).getByRole('row', { name: /train/ })).toContainText('differs');
  await screenshot(page, info, 'compare');
  await page.getByLabel('Baseline').selectOption({ label: 'churn-b' });
  await expect(envDiff).toContainText('churn-b → churn-a');
  await expect(envDiff).toContainText('downgrade');
  // The view is in the link: a reload brings the same one back.
  await page.reload();
  await expect(page.getByRole('switch', { name: 'Differences only' })).toBeChecked();
  await expect(page.getByTestId('env-diff')).toContainText('churn-b → churn-a');

  // A run imported from MLflow's file store: its 12-step series drawn, MLflow's tags folded away.
  await page.getByRole('link', { name: 'Runs', exact: true }).click();
  await page.getByRole('searchbox', { name: 'Filter' }).fill('owl');
  await page.getByRole('table', { name: 'Runs' }).getByRole('link', { name: 'entertaining-owl-269' }).click();
  await expect(page.getByRole('table', { name: 'Params' })).toContainText('learning_rate');
  await expect(page.getByRole('figure', { name: 'Chart of loss' }).locator('path.recharts-curve')).toHaveCount(1);
  await expect(page.getByText(/^\d+ MLflow system tags$/)).toBeVisible();
  await expect(page.getByRole('table', { name: 'MLflow system tags' })).toBeHidden();
  await expect(page.getByRole('table', { name: 'Artifacts' })).toContainText('model/MLmodel');
  expect(await page.evaluate(() => (window as { __cspViolations?: string[] }).__cspViolations)).toEqual([]);
});

test('5,000 runs: the table renders a window of rows, and sorts and filters all of them', async ({ launchApp }, info) => {
  test.setTimeout(120_000);
  const { page, target } = await openWorkspace(launchApp, 'Sweep');
  const start = Date.UTC(2026, 0, 1);
  await seedRuns(target, Array.from({ length: 5000 }, (_, i) => ({
    summary: {
      name: `sweep-${String(i).padStart(4, '0')}`, experiment: i % 2 ? 'sweep-odd' : 'sweep-even', status: i % 10 === 0 ? 'failed' as const : 'finished' as const,
      startedAt: start + i * 60_000, endedAt: start + i * 60_000 + 30_000, source: `api:sweep-${i}`,
      params: { lr: String((i % 100) / 1000), batch_size: String(32 << (i % 3)) }, metrics: { loss: ((i * 7919) % 5000) / 5000, accuracy: (i % 1000) / 1000 },
    },
  })));
  await page.getByRole('link', { name: 'Runs', exact: true }).click();
  await expect(page.getByTestId('runs-count')).toHaveText('5,000 runs', { timeout: 30_000 });
  const table = page.getByRole('table', { name: 'Runs' });
  await expect(table).toHaveAttribute('aria-rowcount', '5001');
  const domRows = () => table.locator('tbody tr.run-row').count();
  expect(await domRows()).toBeLessThan(60);
  expect(await rowNames(page)).toContain('sweep-4999');

  // Scrolled to the end: the last runs are drawn, still only a window of them.
  await page.getByTestId('runs-scroll').evaluate((el) => (el.scrollTop = el.scrollHeight));
  await expect(table.getByRole('link', { name: 'sweep-0000' })).toBeVisible();
  expect(await domRows()).toBeLessThan(60);

  // Sorting and filtering work on all 5,000, not the window.
  await table.getByRole('columnheader', { name: /^loss / }).getByRole('button').click();
  await expect(table.getByRole('columnheader', { name: /^loss / })).toHaveAttribute('aria-sort', 'descending');
  await page.getByTestId('runs-scroll').evaluate((el) => (el.scrollTop = 0));
  await expect(table.locator('tbody tr.run-row').first()).toContainText('0.9998');
  await page.getByRole('searchbox', { name: 'Filter' }).fill('status = failed lr >= 0.05');
  await expect(page.getByTestId('runs-count')).toHaveText('250 of 5,000 runs');
  await page.getByRole('searchbox', { name: 'Filter' }).fill('');
  await page.getByRole('checkbox', { name: 'Group by experiment' }).check();
  await expect(table.getByRole('button', { name: /sweep-even · 2500 runs/ })).toBeVisible();
  await table.getByRole('button', { name: /sweep-even · 2500 runs/ }).click();
  await expect(table).toHaveAttribute('aria-rowcount', String(2500 + 2 + 1));
  expect(await domRows()).toBeLessThan(60);
  await screenshot(page, info, 'runs-5000');
});
