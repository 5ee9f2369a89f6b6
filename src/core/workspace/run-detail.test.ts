import { describe, expect, it } from 'vitest';
import { RunDetailError, metricPointValue, parseRunDetail, runSeed } from './run-detail.ts';

const legacy = {
  kind: 'mlflow-run',
  version: 1,
  runId: '8a3b',
  name: 'owl',
  experimentId: '0',
  experiment: 'Default',
  status: 'finished',
  startTime: 1,
  endTime: null,
  params: { random_state: '42' },
  tags: { 'mlflow.source.git.commit': 'abc123', 'mlflow.source.name': 'train.py' },
  metrics: { loss: [{ timestamp: 5, step: 0, value: 'NaN' }, { timestamp: 6, step: 1, value: 0.5 }] },
  artifacts: [{ path: 'model/MLmodel', bytes: 533 }],
};

describe('parseRunDetail', () => {
  it('reads the first MLflow import format, with its code version from MLflow\'s system tags', () => {
    const detail = parseRunDetail(legacy);
    expect(detail).toMatchObject({ kind: 'driftdesk-run', source: 'mlflow:8a3b', code: { commit: 'abc123', entryPoint: 'train.py' }, dataVersions: [], environment: [] });
    expect(detail.metrics.loss!.map(metricPointValue)).toEqual([Number.NaN, 0.5]);
    expect(runSeed(detail)).toBe('42');
  });

  it('leaves out an MLflow source tag too long for its field instead of storing an unreadable blob', () => {
    const detail = parseRunDetail({ ...legacy, tags: { 'mlflow.source.git.commit': 'c'.repeat(101), 'mlflow.source.name': 'train.py' } });
    expect(detail.code).toEqual({ entryPoint: 'train.py' });
  });

  it('names the fields that are wrong', () => {
    expect(() => parseRunDetail({ ...parseRunDetail(legacy), status: 'done', dataVersions: [{ name: 'x' }] })).toThrow(RunDetailError);
    expect(() => parseRunDetail({ ...parseRunDetail(legacy), status: 'done' })).toThrow(/status/);
    expect(() => parseRunDetail('nope')).toThrow(/not a run detail/);
  });

  it('prefers the recorded seed over params, and ignores an empty or None param', () => {
    const detail = parseRunDetail({ ...legacy, params: { seed: 'None' } });
    expect(runSeed(detail)).toBeUndefined();
    expect(runSeed({ ...detail, seed: 7 })).toBe('7');
  });
});
