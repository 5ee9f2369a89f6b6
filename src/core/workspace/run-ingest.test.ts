import { describe, expect, it } from 'vitest';
import { headlineMetrics, ingestedRun, ingestIssues, runIngestSchema } from './run-ingest.ts';
import { runSummarySchema } from './schema.ts';

const base = { name: 'r', experiment: 'e', status: 'finished', startTime: 1000 };

describe('run ingest', () => {
  it('turns latest values into one-point series at the end time, and sorts keys so the blob is stable', () => {
    const run = runIngestSchema.parse({ ...base, endTime: 5000, metrics: { b: 2, a: [{ step: 3, timestamp: 10, value: 1 }] }, params: { z: 1, y: false } });
    const { detail, summary } = ingestedRun(run, () => 'generated');
    expect(detail.source).toBe('api:generated');
    expect(Object.keys(detail.metrics)).toEqual(['a', 'b']);
    expect(detail.metrics.b).toEqual([{ step: 0, timestamp: 5000, value: 2 }]);
    expect(detail.params).toEqual({ y: 'false', z: '1' });
    expect(summary).toMatchObject({ source: 'api:generated', startedAt: 1000, endedAt: 5000, metrics: { a: 1, b: 2 } });
    expect(ingestedRun(runIngestSchema.parse({ ...base, clientRunId: 'job-1' }), () => 'x').detail.source).toBe('api:job-1');
  });

  it('keeps at most 100 headline metrics in the summary (the doc holds every run\'s); the detail keeps them all', () => {
    const metrics = Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`m${String(i).padStart(3, '0')}`, i]));
    const { detail, summary } = ingestedRun(runIngestSchema.parse({ ...base, metrics }), () => 'g');
    expect(Object.keys(detail.metrics)).toHaveLength(150);
    expect(Object.keys(summary.metrics)).toHaveLength(100);
    expect(summary.metrics.m099).toBe(99);
    expect(summary.metrics.m100).toBeUndefined();
    expect(runSummarySchema.shape.metrics.safeParse(metrics).success).toBe(false); // no writer can put them all in
  });

  it('keeps people\'s tags (and a few of MLflow\'s) in the summary, so the runs table can filter by them', () => {
    const run = runIngestSchema.parse({ ...base, tags: { team: 'vision', 'mlflow.runName': 'r', 'mlflow.user': 'ada' } });
    expect(ingestedRun(run, () => 'g').summary.tags).toEqual({ 'mlflow.user': 'ada', team: 'vision' });
    expect(ingestedRun(runIngestSchema.parse(base), () => 'g').summary.tags).toBeUndefined();
  });

  it('picks the latest point as MLflow does: highest step, then latest timestamp; a NaN latest is left out', () => {
    expect(headlineMetrics({
      loss: [{ step: 2, timestamp: 5, value: 0.5 }, { step: 2, timestamp: 9, value: 0.4 }, { step: 1, timestamp: 99, value: 9 }],
      diverged: [{ step: 0, timestamp: 1, value: 1 }, { step: 1, timestamp: 2, value: 'NaN' }],
    })).toEqual({ loss: 0.4 });
  });

  it('names the field inside a union instead of "Invalid input"', () => {
    const r = runIngestSchema.safeParse({ ...base, metrics: { loss: [{ step: 0, timestamp: 1, value: 'big' }] } });
    expect(r.success).toBe(false);
    expect(ingestIssues(r.error!)).toMatch(/^metrics\.loss\.0\.value: /);
    const t = runIngestSchema.safeParse({ ...base, startTime: 'yesterday' });
    expect(ingestIssues(t.error!)).toMatch(/^startTime: /);
  });
});
