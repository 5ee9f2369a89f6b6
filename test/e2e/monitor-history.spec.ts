/**
 * Issue 16 end to end: a monitor created in the app with the column mapping the form proposes
 * (the weather feed's date is the timestamp), ten batches over ten years sent by "CI", the rule
 * charts drawn with their bands, the one drifted batch opening one incident with a finding per
 * fired rule — the multivariate drift rule's among them (the monitor cuts its reference into
 * months, and the drifted batch's temp_min is negated, which breaks the columns' joint structure:
 * `driftdesk multivariate` puts its error at 2.88 against an upper threshold of 1.87); a model monitor whose labels are pushed later with `driftdesk push labels`, its
 * realized line appearing beside the estimate; the monitor paused and edited.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page, TestInfo } from '@playwright/test';
import { seattleWeatherYear } from '../helpers/seattle-weather';
import { cli, expect, repoRoot, test } from './fixtures';
import { MonitorsScreen } from './monitor-pages';
import { StartScreen } from './pages';

async function screenshot(page: Page, info: TestInfo, name: string): Promise<void> {
  const path = info.outputPath(`${name}.png`);
  await page.screenshot({ path, fullPage: true });
  await info.attach(name, { path, contentType: 'image/png' });
}

/** A year of weather with its dates moved to another year (so ten batches spread over ten years). */
const asYear = (data: number, year: number) => seattleWeatherYear(data).replace(new RegExp(`^${data}-`, 'gm'), `${year}-`);

/** 2015's weather dated `year`, with temp_min negated: the same columns, their relation broken. */
const broken = (year: number) => asYear(2015, year).split('\n').map((line, i) => {
  if (i === 0 || !line) return line;
  const f = line.split(',');
  f[3] = String(-Number(f[3]));
  return f.join(',');
}).join('\n');

/** Weather with a model's outputs: an id, the label (rain), a score and its 0/1 prediction. */
function withModel(year: number, target: boolean): string {
  const [header, ...lines] = seattleWeatherYear(year).trim().split('\n');
  return [`${header},row_id,p,yhat${target ? ',y' : ''}`, ...lines.map((line) => {
    const [date, precipitation, , , wind, kind] = line.split(',');
    const p = Math.round(1e4 / (1 + Math.exp(-(Number(precipitation) * 0.9 - 0.6 + (Number(wind) - 3) * 0.25)))) / 1e4;
    return `${line},${date},${p},${p >= 0.5 ? 1 : 0}${target ? `,${kind === 'rain' ? 1 : 0}` : ''}`;
  })].join('\n') + '\n';
}

test('a monitor with a mapping draws its history with bands, one drifted batch opens one incident, labels later draw the realized line, it is paused and edited', async ({ launchApp }, info) => {
  test.setTimeout(180_000);
  const dir = mkdtempSync(join(tmpdir(), 'driftdesk-e2e-monitor-history-'));
  try {
    const ada = await launchApp('Ada');
    const start = new StartScreen(ada.page);
    const serverUrl = await start.localServerUrl();
    const workspaceId = await start.createWorkspace('Weather model', 'Ada');
    const page = ada.page;
    const monitors = new MonitorsScreen(page);

    const reference = join(dir, 'seattle-2012.csv');
    writeFileSync(reference, seattleWeatherYear(2012));
    await monitors.open();
    await page.getByRole('link', { name: 'add a dataset version' }).click();
    const add = page.getByRole('form', { name: 'Add a dataset version' });
    await add.getByLabel('File on this machine').fill(reference);
    await add.getByLabel('Dataset').fill('seattle-weather');
    await add.getByRole('button', { name: 'Profile and add' }).click();
    await expect(add.getByRole('status').filter({ hasText: 'Added' })).toContainText('366 rows, 6 columns', { timeout: 30_000 });

    // The form proposes the mapping from the reference's columns; Ada confirms it as it is.
    await monitors.open();
    await page.getByRole('button', { name: 'New monitor' }).click();
    const form = monitors.form();
    await form.getByLabel('Name').fill('Weather feed');
    const mapping = form.getByRole('group', { name: 'Column mapping' });
    await expect(mapping.getByLabel('Timestamp')).toHaveValue('date', { timeout: 10_000 });
    await expect(mapping.getByLabel('Row id')).toHaveValue('');
    await expect(form.getByText('Proposed from the column names')).toBeVisible();
    await monitors.rule(1).getByLabel('Kind').selectOption({ label: 'Column drift' });
    await monitors.rule(1).getByLabel('Column').fill('temp_max');
    await form.getByRole('button', { name: 'Add a rule' }).click();
    await monitors.rule(2).getByLabel('Kind').selectOption({ label: 'Column drift' });
    await monitors.rule(2).getByLabel('Column').fill('temp_max');
    await monitors.rule(2).getByLabel('Critical').fill('0.05');
    await form.getByRole('button', { name: 'Add a rule' }).click();
    await monitors.rule(3).getByLabel('Kind').selectOption({ label: 'Multivariate drift' });
    await expect(monitors.rule(3).getByLabel('Critical')).toHaveCount(0);
    // The reference is cut into months of its timestamp for the thresholds derived from it.
    const chunks = form.getByRole('group', { name: 'Reference chunking' });
    await chunks.getByLabel('Cut the reference into').selectOption({ label: 'one chunk per period' });
    await chunks.getByLabel('Period (of the timestamp)').selectOption('month');
    await screenshot(page, info, 'new-monitor-mapping');
    await form.getByRole('button', { name: 'Create monitor' }).click();
    await expect(page.getByRole('heading', { name: 'Weather feed', level: 2 })).toBeVisible({ timeout: 30_000 });
    const monitorId = /monitors\/([^/?#]+)/.exec(page.url())![1]!;
    await expect(page.getByLabel('Column mapping')).toContainText('timestamp date');

    // Ten batches over ten years; the one from 2015's data drifts in temp_max.
    const serverData = join(ada.dataDir, 'server');
    const ciToken = cli('token', 'create', '--data', serverData, '--workspace', workspaceId, '--role', 'editor', '--name', 'CI').token!;
    const post = (path: string, body: string, type = 'text/csv') =>
      fetch(`${serverUrl}/api/v1/workspaces/${workspaceId}${path}`, { method: 'POST', headers: { authorization: `Bearer ${ciToken}`, 'content-type': type }, body });
    const opened: string[] = [];
    for (let year = 2016; year < 2026; year++) {
      const res = await post(`/monitors/${monitorId}/batches`, year === 2022 ? broken(year) : asYear(2013, year));
      expect(res.status).toBe(200);
      const body = (await res.json()) as { testedColumns: number; opened: { id: string }[] };
      expect(body.testedColumns).toBe(5);
      opened.push(...body.opened.map((i) => i.id));
    }
    expect(opened).toHaveLength(1);

    await page.reload();
    const chart = page.getByRole('figure', { name: 'Drift in temp_max over time' }).first();
    await expect(chart.locator('.recharts-line-dots circle, circle.dot, circle.alert-dot')).toHaveCount(10, { timeout: 15_000 });
    await expect(chart.locator('circle.alert-critical')).toHaveCount(1);
    await expect(chart.locator('.band-region-critical')).toHaveCount(1);
    await expect(chart.getByRole('link', { name: 'incident 1' })).toHaveAttribute('href', `#/w/${workspaceId}/incidents/${opened[0]}`);
    await expect(page.getByRole('heading', { name: 'Incidents (1)' })).toBeVisible();
    await expect(monitors.incidents().getByRole('row').nth(1).getByRole('cell').nth(3)).toHaveText('3');
    // Multivariate drift: its own chart, the sampling band and the reference's thresholds drawn, the drifted batch marked.
    const mv = page.getByRole('figure', { name: 'Multivariate reconstruction error over time' });
    await expect(mv.locator('circle.dot, circle.alert-dot')).toHaveCount(10);
    await expect(mv.locator('circle.alert-critical')).toHaveCount(1);
    await expect(mv.locator('.band-region-critical')).toHaveCount(2);
    await expect(mv.locator('.recharts-area-area')).toHaveCount(1);
    const mvRule = page.getByRole('figure', { name: 'Multivariate drift (reconstruction error) over time' });
    await expect(mvRule.locator('circle.alert-critical')).toHaveCount(1);
    await expect(mvRule.getByRole('link', { name: 'incident 1' })).toHaveAttribute('href', `#/w/${workspaceId}/incidents/${opened[0]}`);
    await page.setViewportSize({ width: 1400, height: 900 });
    await mv.scrollIntoViewIfNeeded();
    await page.screenshot({ path: info.outputPath('monitor-multivariate-1400x900.png') });
    await screenshot(page, info, 'monitor-history');
    // The incident holds the multivariate finding among the batch's findings.
    await mvRule.getByRole('link', { name: 'incident 1' }).click();
    await expect(page.getByText(/multivariate reconstruction error = [\d.]+ \(critical ≥ [\d.]+, the reference's mean ± 3σ\)/).first()).toBeVisible({ timeout: 15_000 });
    await expect(page.getByText(/temp_max: p-value/).first()).toBeVisible();
    await page.goBack();

    // A model monitor (over the API, as a pipeline would make it); batches without labels, then labels.
    const modelRef = withModel(2012, true);
    const sha = createHash('sha256').update(modelRef).digest('hex');
    expect((await fetch(`${serverUrl}/api/v1/workspaces/${workspaceId}/blobs/${sha}`, { method: 'PUT', headers: { authorization: `Bearer ${ciToken}` }, body: modelRef })).status).toBe(201);
    const created = await post('/monitors', JSON.stringify({
      name: 'Rain model', reference: { sha256: sha, fileName: 'rain-2012.csv', format: 'csv' },
      mapping: { timestamp: 'date', id: 'row_id', target: 'y', prediction: 'yhat', predictionProba: 'p' },
      rules: [{ kind: 'metric', id: 'est', metric: 'estimated_accuracy', direction: 'below', critical: 0.1 }],
    }), 'application/json');
    expect(created.status).toBe(201);
    const modelId = ((await created.json()) as { monitorId: string }).monitorId;
    const production = withModel(2013, true).trim().split('\n');
    const half = (h: number) => [production[0]!.replace(/,y$/, ''), ...production.slice(1).filter((l) => (Number(l.slice(5, 7)) <= 6) === (h === 0)).map((l) => l.replace(/,[01]$/, ''))].join('\n');
    for (const h of [0, 1]) expect((await post(`/monitors/${modelId}/batches`, half(h))).status).toBe(200);
    await monitors.open();
    await page.getByRole('link', { name: 'Rain model', exact: true }).click();
    const accuracy = page.getByRole('figure', { name: 'accuracy over time' });
    await expect(accuracy.getByTestId('realized-count')).toHaveText('realized on 0 of 2 batches', { timeout: 15_000 });
    const labels = join(dir, 'labels.csv');
    writeFileSync(labels, ['row_id,y', ...production.slice(1).filter((l) => Number(l.slice(5, 7)) <= 6).map((l) => { const f = l.split(','); return `${f[6]},${f[9]}`; })].join('\n'));
    const pushed = spawnSync(process.execPath, ['bin/driftdesk', 'push', 'labels', labels, '--server', serverUrl, '--workspace', workspaceId, '--monitor', modelId, '--token', ciToken], { cwd: repoRoot, encoding: 'utf8' });
    expect(pushed.stderr).toBe('');
    expect(JSON.parse(pushed.stdout)).toMatchObject({ matched: 181, batches: [{ labelled: 181 }] });
    await page.reload();
    await expect(page.getByRole('figure', { name: 'accuracy over time' }).getByTestId('realized-count')).toHaveText('realized on 1 of 2 batches', { timeout: 15_000 });
    await screenshot(page, info, 'monitor-performance');

    // The weather monitor paused (a batch is refused), edited (wind ignored), resumed.
    await monitors.open();
    await page.getByRole('link', { name: 'Weather feed', exact: true }).click();
    await page.getByRole('button', { name: 'Pause' }).click();
    await expect(page.getByText('Paused: batches, metrics and labels sent to it are refused')).toBeVisible();
    expect((await post(`/monitors/${monitorId}/batches`, asYear(2013, 2026))).status).toBe(409);
    await page.getByRole('button', { name: 'Edit rules and mapping' }).click();
    const edit = page.getByRole('form', { name: 'Edit monitor' });
    await edit.getByRole('group', { name: 'Column mapping' }).getByLabel('wind').check();
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await expect(page.getByLabel('Column mapping')).toContainText('ignored wind');
    await page.getByRole('button', { name: 'Resume' }).click();
    await expect(page.getByText('Paused: batches')).toHaveCount(0);
    const resumed = await post(`/monitors/${monitorId}/batches`, asYear(2013, 2026));
    expect(((await resumed.json()) as { testedColumns: number }).testedColumns).toBe(4);
    await screenshot(page, info, 'monitor-edited');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
