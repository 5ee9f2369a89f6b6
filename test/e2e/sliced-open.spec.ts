/**
 * A large workspace opens from its cached state in slices (issue 20: no main-thread task over
 * 100 ms): the host keeps a large snapshot as slices (LocalCache, update-slices.ts) and the
 * window applies them one per task (DocSync.applyCached), views reading the doc once at the end.
 * Here the demo workspace is grown in its local cache, as the app would have it after months,
 * past what one slice holds; reopened, every incident is there and the doc came in at least as
 * many batches as the cache holds slices, the host's answer in more than one page.
 */
import * as Y from 'yjs';
import { createIncident, listIncidents } from '../../src/core/workspace/index.ts';
import { appDataLayout } from '../../src/node/app-paths.ts';
import { LocalCache } from '../../src/node/local-cache.ts';
import { expect, test } from './fixtures';

test('a workspace larger than a slice opens in batches with every incident in it', async ({ launchApp }) => {
  const app = await launchApp('Ada');
  await app.page.getByRole('button', { name: /Demo · churn-model/ }).click();
  await expect(app.page.locator('table.incidents tbody tr').first()).toBeVisible();
  const workspaceId = /#\/w\/([^/]+)/.exec(app.page.url())![1]!;
  await app.stop();

  // Months of incidents, written by an importer session of this device into the cache.
  const cache = new LocalCache({ file: appDataLayout(app.dataDir).cacheFile });
  const doc = new Y.Doc();
  expect(cache.loadDocInto(workspaceId, doc)).toBe(true);
  const updates: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => updates.push(u));
  let n = 0;
  const ctx = { actor: { id: 'bulk-importer', name: 'Importer' }, now: () => Date.UTC(2026, 5, 1) + n * 60_000, newId: () => `bulk${++n}` };
  const words = 'the income feature drifted after the upstream schema change and the PSI on age crossed its threshold'.split(' ');
  let last = '';
  for (let i = 0; i < 3000; i++) {
    const description = Array.from({ length: 160 }, (_, k) => words[(i + k * 7) % words.length]).join(' ');
    last = createIncident(doc, { title: `Bulk drift ${i}`, severity: 'low', description }, ctx).id;
  }
  cache.appendUpdates(workspaceId, updates, updates.map(() => false));
  cache.loadDocUpdates(workspaceId); // past 500 log rows: compacted, as slices
  const slices = cache.snapshotSlices(workspaceId);
  expect(slices).toBeGreaterThan(2);
  // Past one page of the host's answer (cache-pages.ts: 2 MiB), so the rest comes by cache.loadPage.
  const bytes = cache.loadDocUpdates(workspaceId).reduce((b, u) => b + u.length, 0);
  expect(bytes).toBeGreaterThan(2 * 1024 * 1024);
  const total = listIncidents(doc).length;
  cache.close();

  const { page } = await app.restart();
  await page.getByRole('button', { name: /Demo · churn-model/ }).click();
  await expect(page.getByText(`of ${total} incidents`)).toBeVisible({ timeout: 30_000 });
  const marks = await page.evaluate(() => ({
    batches: performance.getEntriesByName('driftdesk:cache-batch').length,
    applied: performance.getEntriesByName('driftdesk:cache-applied').length,
    pages: performance.getEntriesByName('driftdesk:cache-page').length,
  }));
  expect(marks.pages).toBeGreaterThanOrEqual(1);
  expect(marks.applied).toBeGreaterThanOrEqual(1);
  expect(marks.batches).toBeGreaterThanOrEqual(slices);

  // The last incident written is there and opens.
  await page.evaluate(([ws, id]) => void (location.hash = `#/w/${ws}/incidents/${id}`), [workspaceId, last]);
  await expect(page.getByRole('heading', { name: 'Bulk drift 2999' })).toBeVisible();
  await app.stop();
});
