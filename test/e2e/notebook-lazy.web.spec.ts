/**
 * A notebook's large outputs travel only when their cell is drawn (issue 19's speed goal):
 * browser mode, the real web host, a notebook with two matplotlib plots (written by Debian's
 * nbformat and matplotlib), one on the first screen and one 75 cells down. Every frame on the
 * page's socket to the host is watched (Playwright's WebSocket route, passing each on), and the
 * host's answers to `notebooks.output` are held back once, so the placeholder is seen.
 * Checked: no frame the page receives while opening holds either plot; the first plot's
 * placeholder shows, then the image (a blob: URL); the far plot is asked for only after
 * scrolling to it; the diff with a version 2 that redrew the first plot shows both plots, each
 * fetched from its own version; no CSP refusal.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeWire } from '../../src/shared/wire-json.ts';
import { expect, test } from './fixtures';
import { StartScreen } from './pages';

const MAKE = `
import sys, io, base64, nbformat
import matplotlib
matplotlib.use('Agg')
import matplotlib.pyplot as plt
from nbformat.v4 import new_notebook, new_code_cell, new_output
def png(n):
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(range(n), [i * i for i in range(n)])
    ax.set_title('plot %d' % n)
    b = io.BytesIO()
    fig.savefig(b, format='png', dpi=100)
    plt.close(fig)
    return base64.b64encode(b.getvalue()).decode()
def notebook(first):
    nb = new_notebook()
    for i in range(80):
        if i in (1, 75):
            outputs = [new_output('display_data', data={'image/png': png(first if i == 1 else i + 3), 'text/plain': '<Figure>'})]
        else:
            outputs = [new_output('stream', name='stdout', text='%d\\n' % i)]
        nb.cells.append(new_code_cell('x = %d' % i, execution_count=i, outputs=outputs))
    return nb
nbformat.write(notebook(4), sys.argv[1])
# Version 2: the first plot redrawn with more points (its cell's output changed).
nbformat.write(notebook(40), sys.argv[2])
`;

test('large outputs are fetched when their cell comes into view, with a placeholder meanwhile', async ({ launchApp }) => {
  test.setTimeout(120_000);
  const dir = mkdtempSync(join(tmpdir(), 'driftdesk-e2e-lazy-'));
  const file = join(dir, 'plots.ipynb');
  const v2 = join(dir, 'plots-v2.ipynb');
  execFileSync('/usr/bin/python3', ['-c', MAKE, file, v2], { stdio: ['ignore', 'ignore', 'pipe'] });
  const cells = (JSON.parse(readFileSync(file, 'utf8')) as { cells: { outputs: { data?: Record<string, string> }[] }[] }).cells;
  const near = cells[1]!.outputs[0]!.data!['image/png']!;
  const far = cells[75]!.outputs[0]!.data!['image/png']!;
  expect(near.length).toBeGreaterThan(16 * 1024); // over the inline limit, or the test proves nothing

  const ada = await launchApp('Ada');
  const page = ada.page;
  const received: string[] = [];
  const asked: string[] = [];
  let hold = true;
  const held: (() => void)[] = [];
  const outputCalls = new Set<unknown>();
  await page.routeWebSocket(/\/host/, (ws) => {
    const server = ws.connectToServer();
    ws.onMessage((m) => {
      const msg = decodeWire(typeof m === 'string' ? m : new Uint8Array(m)) as { id?: unknown; channel?: string; req?: { fingerprint?: string } };
      if (msg.channel === 'notebooks.output') {
        outputCalls.add(msg.id);
        asked.push(msg.req!.fingerprint!);
      }
      server.send(m);
    });
    server.onMessage((m) => {
      const bytes = typeof m === 'string' ? Buffer.from(m) : m;
      received.push(bytes.toString('latin1'));
      const id = (decodeWire(typeof m === 'string' ? m : new Uint8Array(m)) as { id?: unknown }).id;
      if (hold && outputCalls.has(id)) held.push(() => ws.send(m));
      else ws.send(m);
    });
  });
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as { __cspViolations?: string[] }).__cspViolations = seen;
    document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await page.reload();
  await new StartScreen(page).createWorkspace('Plots', 'Ada');
  await page.getByRole('link', { name: 'Notebooks' }).click();
  await page.getByTestId('notebook-file').setInputFiles(file);

  // The first screen: the plot's cell is drawn with a placeholder while its image is on its way.
  const first = page.locator('[data-testid="notebook-cell"][data-cell-index="1"]');
  await expect(first.getByTestId('output-loading')).toBeVisible();
  await expect(first.getByTestId('output-loading')).toContainText(/Loading image\/png \(\d+ KB\)/);
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.screenshot({ path: join(test.info().outputDir, 'notebook-output-loading.png') });
  // Nothing the page received so far holds either plot (the light form has their sizes only).
  const sample = (b64: string) => b64.slice(200, 400);
  expect(received.some((f) => f.includes(sample(near)))).toBe(false);
  expect(received.some((f) => f.includes(sample(far)))).toBe(false);
  expect(asked).toHaveLength(1);

  hold = false;
  for (const send of held.splice(0)) send();
  await expect(first.getByTestId('output-loading')).toHaveCount(0);
  const img = first.locator('img.nb-image');
  await expect(img).toHaveAttribute('src', /^blob:http/);
  await expect.poll(() => img.evaluate((el: HTMLImageElement) => (el.complete ? el.naturalWidth : 0))).toBe(600);
  // The image came as bytes, not as its base64 text.
  expect(received.some((f) => f.includes(sample(near)))).toBe(false);
  expect(asked).toHaveLength(1);

  // Scrolling to the far plot's cell asks for it, and only then.
  await page.getByTestId('notebook-cells').evaluate((el) => el.scrollTo(0, el.scrollHeight));
  const last = page.locator('[data-testid="notebook-cell"][data-cell-index="75"]');
  await expect(last.locator('img.nb-image')).toHaveAttribute('src', /^blob:http/);
  await expect.poll(() => last.locator('img.nb-image').evaluate((el: HTMLImageElement) => (el.complete ? el.naturalWidth : 0))).toBe(600);
  expect(asked).toHaveLength(2);
  expect(asked[1]).not.toBe(asked[0]);

  // Version 2 changes the first plot; the diff shows both, each fetched from its own version.
  await page.getByTestId('notebook-version-file').setInputFiles(v2);
  await expect(page.getByTestId('notebook-version')).toHaveValue('2');
  await page.getByRole('link', { name: 'Compare versions' }).click();
  const outputsDiff = page.getByTestId('notebook-diff').getByTestId('outputs-diff');
  await expect(outputsDiff).toHaveCount(1);
  const sides = outputsDiff.locator('img.nb-image');
  await expect(sides).toHaveCount(2);
  for (const i of [0, 1]) await expect.poll(() => sides.nth(i).evaluate((el: HTMLImageElement) => (el.complete ? el.naturalWidth : 0))).toBe(600);
  expect(await sides.nth(0).getAttribute('src')).not.toBe(await sides.nth(1).getAttribute('src'));
  expect(new Set(asked.slice(2)).size).toBe(asked.length - 2); // each side asked for once, none twice

  expect(await page.evaluate(() => (window as { __cspViolations?: string[] }).__cspViolations)).toEqual([]);
  rmSync(dir, { recursive: true, force: true });
});
