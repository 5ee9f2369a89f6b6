import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addDatasetVersion, updateIncident } from '../workspace/index.ts';
import { batchTiming, ruleStandings } from './monitor-status.ts';
import { createMonitor, getMonitor, recordFindings } from './monitors.ts';

function setup(expectBatchEveryMs?: number) {
  const doc = new Y.Doc();
  let t = 1_000_000;
  let n = 0;
  const ctx = { actor: { id: 'server', name: 'Monitor' }, now: () => (t += 1000), newId: () => `id${++n}` };
  const ref = addDatasetVersion(doc, {
    dataset: 'weather', fileName: 'seattle-2012.csv', format: 'csv', md5: 'a'.repeat(32), size: 1, rows: 366, columns: 6, profileBlob: 'b'.repeat(64),
  }, ctx);
  const monitor = createMonitor(doc, {
    name: 'Weather', referenceVersionId: ref.id, referenceBlob: 'd'.repeat(64), referenceFormat: 'csv', expectBatchEveryMs,
    rules: [
      { kind: 'columnDrift', id: 'temp', column: 'temp_max' },
      { kind: 'metric', id: 'acc', metric: 'accuracy', direction: 'below', critical: 0.8 },
      { kind: 'batchMissing', id: 'late', warningAfterMs: 60_000, criticalAfterMs: 600_000 },
    ],
  }, ctx);
  const now = () => t;
  const batch = (band: 'ok' | 'warning' | 'critical') => {
    const at = (t += 1000);
    recordFindings(doc, getMonitor(doc, monitor.id)!, [{ ruleId: 'temp', band, summary: `temp ${band}`, value: 0 }], {}, ctx, at);
  };
  return { doc, ctx, monitor, now, batch, current: () => getMonitor(doc, monitor.id)! };
}

const bands = (s: ReturnType<typeof ruleStandings>) => s.map((r) => `${r.rule.id}:${r.band ?? 'none'}`);

describe('ruleStandings', () => {
  it('knows nothing before the first batch, but counts lateness from the monitor\'s creation', () => {
    const { doc, current, now } = setup();
    expect(bands(ruleStandings(doc, current(), now()))).toEqual(['temp:none', 'acc:none', 'late:ok']);
    expect(bands(ruleStandings(doc, current(), now() + 120_000))).toEqual(['temp:none', 'acc:none', 'late:warning']);
  });

  it('takes the latest finding, and an ok batch after it as ok while the incident stays open', () => {
    const { doc, current, now, batch } = setup();
    batch('ok');
    expect(ruleStandings(doc, current(), now())[0]).toMatchObject({ band: 'ok', summary: 'within bounds at the last batch' });
    batch('critical');
    const fired = ruleStandings(doc, current(), now())[0]!;
    expect(fired).toMatchObject({ band: 'critical', summary: 'temp critical', openIncidentId: expect.any(String) });
    batch('ok');
    expect(ruleStandings(doc, current(), now())[0]).toMatchObject({ band: 'ok', openIncidentId: fired.openIncidentId });
  });

  it('keeps the band of a finding whose incident was resolved until the next batch', () => {
    const { doc, ctx, current, now, batch } = setup();
    batch('warning');
    const id = ruleStandings(doc, current(), now())[0]!.openIncidentId!;
    updateIncident(doc, { incidentId: id, status: 'resolved' }, ctx);
    expect(ruleStandings(doc, current(), now())[0]).toMatchObject({ band: 'warning', openIncidentId: undefined });
  });

  it('judges metric rules by their findings only', () => {
    const { doc, ctx, current, now, batch } = setup();
    batch('ok');
    expect(ruleStandings(doc, current(), now())[1]).toMatchObject({ band: null, summary: 'no value out of bounds on record' });
    recordFindings(doc, current(), [{ ruleId: 'acc', band: 'critical', summary: 'accuracy = 0.7', value: 0.7 }], {}, ctx);
    expect(ruleStandings(doc, current(), now())[1]).toMatchObject({ band: 'critical', summary: 'accuracy = 0.7' });
  });
});

describe('batchTiming', () => {
  it('is late past the expected interval, from creation until a batch comes', () => {
    const { current, now, batch } = setup(60_000);
    const created = current().createdAt;
    expect(batchTiming(current(), created + 60_000)).toEqual({ lastBatchAt: undefined, late: false, dueAt: created + 60_000 });
    expect(batchTiming(current(), created + 60_001).late).toBe(true);
    batch('ok');
    expect(batchTiming(current(), now() + 1).late).toBe(false);
    expect(batchTiming({ ...current(), expectBatchEveryMs: undefined }, now() + 10 ** 9).late).toBe(false);
  });
});
