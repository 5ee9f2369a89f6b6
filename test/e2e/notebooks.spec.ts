/**
 * Notebooks end to end, in two apps: Ada adds a notebook executed by nbconvert (table, PNG,
 * ANSI output, an error), Bob — a commenter — comments on a cell and on an output and mentions
 * Ada, Ada pushes version 2 (that cell edited, the plot's cell deleted) with the CLI, both see
 * the threads placed, and Ada opens the diff from the thread. Then a hostile notebook renders
 * inert. No CSP refusal anywhere, and nothing from a notebook runs.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { makeTestNotebooks } from '../helpers/test-notebooks.ts';
import { type RunningApp, cli, expect, repoRoot, test } from './fixtures';
import { CommandPaletteScreen, StartScreen, workspaceIdFrom } from './pages';

test.describe.configure({ timeout: 180_000 });

async function watchCsp(app: RunningApp) {
  await app.page.addInitScript(() => {
    const seen: string[] = [];
    (window as { __cspViolations?: string[] }).__cspViolations = seen;
    document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));
  });
  await app.page.reload();
}
const violations = (page: Page) => page.evaluate(() => (window as { __cspViolations?: string[] }).__cspViolations);
const pwned = (page: Page) => page.evaluate(() => (window as { __pwned?: unknown }).__pwned);
const cell = (page: Page, index: number) => page.locator(`[data-testid="notebook-cell"][data-cell-index="${index}"]`);

/** The executed notebook (v1) and v2 = v1 with the table cell edited and the plot cell deleted, written by nbformat. */
function notebookPair(dir: string) {
  const made = makeTestNotebooks(true);
  const script = `
import nbformat, sys
nb = nbformat.read(sys.argv[1], as_version=4)
nbformat.write(nb, sys.argv[2] + '/v1/churn.ipynb')
table = next(c for c in nb.cells if c.id == 'table')
table.source = table.source.replace('"psi": [0.12, 0.31]', '"psi": [0.12, 0.35]')
nb.cells = [c for c in nb.cells if c.id != 'plot']
nbformat.write(nb, sys.argv[2] + '/v2/churn.ipynb')
`;
  for (const v of ['v1', 'v2']) mkdirSync(join(dir, v));
  const run = spawnSync('/usr/bin/python3', ['-c', script, join(made.dir, 'executed.ipynb'), dir], { encoding: 'utf8' });
  made.dispose();
  if (run.status !== 0) throw new Error(run.stderr);
}

test('Ada adds a notebook, Bob comments on a cell and an output, v2 moves the threads, Ada opens the diff', async ({ launchApp }) => {
  const dir = mkdtempSync(join(tmpdir(), 'driftdesk-e2e-nb-'));
  notebookPair(dir);
  const ada = await launchApp('Ada');
  await watchCsp(ada);
  const start = new StartScreen(ada.page);
  const serverUrl = await start.localServerUrl();
  await start.createWorkspace('Churn model', 'Ada');
  const workspaceId = workspaceIdFrom(ada.page);

  await ada.page.getByRole('link', { name: 'Members' }).click();
  const invite = ada.page.getByRole('form', { name: 'Invite someone' });
  await invite.getByLabel('Their name').fill('Bob');
  await invite.getByLabel('Role').selectOption('commenter');
  await invite.getByRole('button', { name: 'Create invite' }).click();
  const link = await invite.getByLabel(/Invite link/).inputValue();

  // Ada adds v1 from the app's file picker.
  await ada.page.getByRole('link', { name: 'Notebooks' }).click();
  await ada.page.getByTestId('notebook-file').setInputFiles(join(dir, 'v1/churn.ipynb'));
  await expect(ada.page.getByRole('heading', { name: 'churn', exact: true })).toBeVisible();
  // Read as it was run: math, execution counts, the pandas table, the PNG, ANSI colour, the traceback.
  await expect(cell(ada.page, 0).locator('.katex')).toBeVisible();
  await expect(cell(ada.page, 1)).toContainText('In [1]:');
  await expect(cell(ada.page, 1).locator('table')).toContainText('income');
  // The PNG (29 KB of base64) is fetched when its cell is drawn, as bytes shown through a blob: URL.
  await expect(cell(ada.page, 2).locator('img.nb-image')).toHaveAttribute('src', /^blob:http/);
  await expect.poll(() => cell(ada.page, 2).locator('img.nb-image').evaluate((img: HTMLImageElement) => (img.complete ? img.naturalWidth : 0))).toBeGreaterThan(100);
  await expect(cell(ada.page, 3).locator('.nb-stream span').first()).toHaveAttribute('style', /color/);
  await expect(cell(ada.page, 4).locator('.nb-error')).toContainText('ZeroDivisionError');
  await expect(cell(ada.page, 1).locator('.nb-code span[class^="mtk"]').first()).toBeVisible();

  // Bob, a commenter, joins and comments on the table cell and on the plot's output, mentioning Ada.
  const bob = await launchApp('Bob');
  await watchCsp(bob);
  await new StartScreen(bob.page).join(link, '');
  await expect(bob.page.getByRole('heading', { name: 'Churn model' })).toBeVisible();
  await bob.page.getByRole('link', { name: 'Notebooks' }).click();
  await expect(bob.page.getByText('As a commenter you can read notebooks and comment on their cells.')).toBeVisible();
  await expect(bob.page.getByRole('button', { name: 'Add notebook' })).toHaveCount(0);
  await bob.page.getByRole('link', { name: 'churn', exact: true }).click();
  const bobBox = bob.page.getByRole('form', { name: 'Add a comment' });
  await cell(bob.page, 1).getByRole('button', { name: 'Comment', exact: true }).click();
  await expect(bobBox.getByTestId('pending-anchor')).toContainText('On cell 2');
  await bobBox.getByLabel('Comment').fill('Why is income drifting this much?');
  await bobBox.getByRole('button', { name: 'Comment', exact: true }).click();
  await cell(bob.page, 2).getByRole('button', { name: 'Comment on this output' }).click();
  await expect(bobBox.getByTestId('pending-anchor')).toContainText('On cell 3, output 1');
  await bobBox.getByLabel('Comment').fill('@Ada is this plot from the training data?');
  await bobBox.getByRole('button', { name: 'Comment', exact: true }).click();
  await expect(bob.page.getByTestId('notebook-thread')).toHaveCount(2);

  // Ada sees both threads on their cells, and the mention in her inbox.
  const adaThreads = ada.page.getByTestId('notebook-thread');
  await expect(adaThreads).toHaveCount(2);
  await expect(adaThreads.nth(0)).toHaveAttribute('data-state', 'unchanged');
  await expect(adaThreads.nth(0)).toContainText('Cell 2');
  await expect(adaThreads.nth(1)).toContainText('Cell 3, output 1');
  await expect(ada.page.getByTestId('inbox-unread')).toHaveText('1');

  // Ada pushes v2 from her CI (the CLI): the table cell edited, the plot cell deleted.
  const token = cli('token', 'create', '--data', join(ada.dataDir, 'server'), '--workspace', workspaceId, '--role', 'editor', '--name', 'Ada CI').token!;
  const push = spawnSync(process.execPath, [join(repoRoot, 'bin/driftdesk'), 'push', 'notebook', 'churn.ipynb', '--server', serverUrl, '--workspace', workspaceId, '--token', token], { cwd: join(dir, 'v2'), encoding: 'utf8' });
  expect(push.stderr).toBe('');
  expect(JSON.parse(push.stdout)).toMatchObject({ outcome: 'versioned', version: 2 });

  // Both see v2 and the threads placed: the edited cell's thread says it changed, the deleted cell's says so.
  for (const page of [ada.page, bob.page]) {
    await expect(page.getByTestId('notebook-version')).toHaveValue('2');
    const changed = page.locator('[data-testid="notebook-thread"][data-state="changed"]');
    await expect(changed).toContainText('The cell changed since v1');
    await expect(changed).toContainText('Why is income drifting this much?');
    const removed = page.locator('[data-testid="notebook-thread"][data-state="removed"]');
    await expect(removed).toContainText('The cell was removed in v2');
    await expect(removed).toContainText('is this plot from the training data?');
  }

  // Ada opens the diff from the thread: the edited cell, its changed words, the deleted cell.
  await ada.page.getByTestId('thread-diff-link').click();
  const diff = ada.page.getByTestId('notebook-diff');
  await expect(diff).toBeVisible();
  await expect(diff.getByTestId('diff-counts')).toContainText('1 modified · 0 added · 1 removed');
  const modified = diff.locator('[data-testid="diff-entry"][data-kind="modified"]');
  await expect(modified.locator('ins')).toContainText('35');
  await expect(modified).toHaveClass(/focused/);
  await expect(diff.locator('[data-testid="diff-entry"][data-kind="removed"]')).toContainText('matplotlib');

  // Search finds the notebook by words of its text (the table cell's code), and by its comments.
  const palette = new CommandPaletteScreen(ada.page);
  await palette.open();
  await palette.type('DataFrame');
  await expect(palette.option(/churn/)).toBeVisible();
  await ada.page.keyboard.press('Escape');

  // Bob goes to the thread's cell: it is marked, and the page's link now cites it (for an incident or a handoff).
  await bob.page.locator('[data-testid="notebook-thread"][data-state="changed"]').getByRole('button', { name: /^Cell 2/ }).click();
  await expect(cell(bob.page, 1)).toHaveClass(/focused/);
  expect(new URL(bob.page.url()).hash).toMatch(/\/notebooks\/[^?]+\?v=2&cell=1$/);
  // Such a link opened fresh lands on that cell of that version.
  await ada.page.goto(new URL(bob.page.url()).href.replace(new URL(bob.page.url()).origin, new URL(ada.page.url()).origin).replace('v=2', 'v=1').replace('cell=1', 'cell=2'));
  await expect(ada.page.getByTestId('notebook-version')).toHaveValue('1');
  await expect(cell(ada.page, 2)).toHaveClass(/focused/);

  for (const page of [ada.page, bob.page]) {
    expect(await violations(page)).toEqual([]);
  }
  rmSync(dir, { recursive: true, force: true });
});

/** script tags, handlers, javascript: links, SVG onload, a 20 MB image, a cell with no id. */
function hostileNotebook(): string {
  const evil = 'window.__pwned = 1';
  const display = (data: Record<string, unknown>) => ({ output_type: 'display_data', data, metadata: {} });
  const code = (id: string | undefined, source: string, outputs: unknown[]) => ({ cell_type: 'code', ...(id ? { id } : {}), source, metadata: {}, execution_count: 1, outputs });
  return JSON.stringify({
    nbformat: 4, nbformat_minor: 4, metadata: {},
    cells: [
      { cell_type: 'markdown', source: `# Hostile\n\n<script>${evil}</script><img src=x onerror="${evil}"> [click](javascript:${evil}) <a href="javascript:${evil}">raw</a> $x^2$`, metadata: {} },
      code(undefined, 'html', [display({ 'text/html': `<table><tr><td onclick="${evil}">cell</td></tr></table><script>${evil}</script><iframe src="javascript:${evil}"></iframe><a href="javascript:${evil}">link</a><img src=x onerror="${evil}">`, 'text/plain': 'html' })]),
      code(undefined, 'svg', [display({ 'image/svg+xml': `<svg xmlns="http://www.w3.org/2000/svg" onload="${evil}"><script>${evil}</script><circle r="5"/></svg>` })]),
      code(undefined, 'js', [display({ 'application/javascript': evil, 'text/plain': '<Javascript object>' })]),
      code(undefined, 'big', [display({ 'image/png': 'A'.repeat(20 * 1024 * 1024), 'text/plain': '<Figure>' })]),
      code(undefined, 'print("\\x1b[31m<b>not bold</b>\\x1b[0m")', [{ output_type: 'stream', name: 'stdout', text: `\u001b[31m<script>${evil}</script><b>not bold</b>\u001b[0m\n` }]),
    ],
  });
}

test('a hostile notebook renders inert, and a broken file is refused with where', async ({ launchApp }) => {
  const dir = mkdtempSync(join(tmpdir(), 'driftdesk-e2e-hostile-'));
  writeFileSync(join(dir, 'hostile.ipynb'), hostileNotebook());
  writeFileSync(join(dir, 'broken.ipynb'), '{\n "nbformat": 4,\n "cells": [\n');
  const ada = await launchApp('Ada');
  await watchCsp(ada);
  await new StartScreen(ada.page).createWorkspace('Hostile', 'Ada');
  await ada.page.getByRole('link', { name: 'Notebooks' }).click();

  await ada.page.getByTestId('notebook-file').setInputFiles(join(dir, 'broken.ipynb'));
  await expect(ada.page.getByRole('alert')).toContainText('broken.ipynb, line 4, column 1: not valid JSON');

  await ada.page.getByTestId('notebook-file').setInputFiles(join(dir, 'hostile.ipynb'));
  // 20 MB travels page → host → server and back: give it time.
  await expect(ada.page.getByRole('heading', { name: 'hostile', exact: true })).toBeVisible({ timeout: 60_000 });
  await expect(ada.page.getByRole('note')).toContainText('6 of 6 cells have no id');
  const cells = ada.page.getByTestId('notebook-cells');
  await expect(cell(ada.page, 1).locator('table')).toContainText('cell');
  await expect(cell(ada.page, 2).locator('img.nb-image')).toHaveAttribute('src', /^data:image\/svg\+xml/);
  await expect(cell(ada.page, 3)).toContainText('not run here');
  await cells.evaluate((el) => el.scrollTo(0, el.scrollHeight));
  await expect(ada.page.getByRole('button', { name: /Show image \(image\/png, 20\.0 MB\)/ })).toBeVisible();
  await expect(cell(ada.page, 5).locator('.nb-stream')).toContainText('<b>not bold</b>');
  await cells.evaluate((el) => el.scrollTo(0, 0));
  await cell(ada.page, 1).locator('td').click();
  // The javascript: links are text now.
  await expect(cell(ada.page, 0).getByRole('link')).toHaveCount(0);

  const inert = await cells.evaluate((root) => ({
    scripts: root.querySelectorAll('script, iframe').length,
    handlers: [...root.querySelectorAll('*')].filter((e) => [...e.attributes].some((a) => a.name.startsWith('on'))).length,
    jsLinks: [...root.querySelectorAll('a[href]')].filter((a) => /^\s*javascript:/i.test(a.getAttribute('href')!)).length,
  }));
  expect(inert).toEqual({ scripts: 0, handlers: 0, jsLinks: 0 });
  expect(await pwned(ada.page)).toBeUndefined();
  expect(await violations(ada.page)).toEqual([]);
  rmSync(dir, { recursive: true, force: true });
});
