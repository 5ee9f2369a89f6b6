import { describe, expect, it } from 'vitest';
import type { RunSummaryRecord } from '../../../core/workspace';
import { type FilterVocabulary, matchesRunFilter, parseRunFilter } from './run-filter';

const vocab: FilterVocabulary = {
  params: new Set(['lr', 'batch_size', 'model', 'loss']),
  metrics: new Set(['loss', 'val loss', 'accuracy']),
  tags: new Set(['team', 'mlflow.user']),
};

const run = (over: Partial<RunSummaryRecord>): RunSummaryRecord => ({
  id: 'r', name: 'entertaining-owl-269', experiment: 'Default', status: 'finished', startedAt: 1, source: 'mlflow:x',
  params: {}, metrics: {}, createdAt: 1, ...over,
});
const owl = run({ params: { lr: '0.006', batch_size: '64', model: 'resnet50', loss: 'triplet' }, metrics: { loss: 0.02, 'val loss': 0.4, accuracy: 0.91 }, tags: { team: 'vision' } });
const gnu = run({ id: 'g', name: 'crawling-gnu-274', experiment: 'triplet', status: 'failed', params: { lr: '0.1', batch_size: '128' }, metrics: { loss: 0.7 } });

const pick = (text: string) => {
  const parsed = parseRunFilter(text, vocab);
  return { ...parsed, names: [owl, gnu].filter((r) => matchesRunFilter(r, parsed.clauses)).map((r) => r.name) };
};

describe('parseRunFilter', () => {
  it('reads a bare name as a metric first, then a param, then a tag', () => {
    expect(parseRunFilter('loss < 0.5', vocab).clauses).toEqual([{ kind: 'compare', field: { kind: 'metric', key: 'loss' }, op: '<', value: '0.5' }]);
    expect(parseRunFilter('lr>0.01', vocab).clauses[0]).toMatchObject({ field: { kind: 'param', key: 'lr' }, op: '>' });
    expect(parseRunFilter('team = vision', vocab).clauses[0]).toMatchObject({ field: { kind: 'tag', key: 'team' } });
    expect(parseRunFilter('params.loss = triplet', vocab).clauses[0]).toMatchObject({ field: { kind: 'param', key: 'loss' } });
  });

  it('filters by param numerically, by metric, by status and by tag', () => {
    expect(pick('lr > 0.01').names).toEqual(['crawling-gnu-274']);
    expect(pick('lr = 0.0060').names).toEqual(['entertaining-owl-269']);
    expect(pick('metrics.loss <= 0.02').names).toEqual(['entertaining-owl-269']);
    expect(pick('status = FAILED').names).toEqual(['crawling-gnu-274']);
    expect(pick('status != failed and batch_size >= 64').names).toEqual(['entertaining-owl-269']);
    expect(pick('tags.team = vision').names).toEqual(['entertaining-owl-269']);
    // A run without the named value never matches, not even with !=.
    expect(pick('accuracy != 1').names).toEqual(['entertaining-owl-269']);
  });

  it('reads MLflow-style quoted names and values, and ~ as contains', () => {
    expect(pick('metrics.`val loss` < 1').names).toEqual(['entertaining-owl-269']);
    expect(pick('model = "resnet50"').names).toEqual(['entertaining-owl-269']);
    expect(pick('name ~ GNU').names).toEqual(['crawling-gnu-274']);
  });

  it('takes words without an operator as text over name and experiment', () => {
    expect(pick('owl').names).toEqual(['entertaining-owl-269']);
    expect(pick('triplet').names).toEqual(['crawling-gnu-274']);
    expect(pick('owl triplet').names).toEqual([]);
    expect(pick('').names).toHaveLength(2);
  });

  it('explains what it cannot read, with where, and keeps the rest', () => {
    const typo = pick('lrr > 0.01 status = failed');
    expect(typo.problems).toEqual([{ at: 0, message: expect.stringContaining('no run has a metric, param or tag "lrr" — did you mean lr?') }]);
    expect(typo.names).toEqual(['crawling-gnu-274']);
    expect(pick('lr >').problems[0]!.message).toBe('lr >: a value is missing after ">"');
    expect(pick('loss < abc').problems[0]!.message).toContain('metric values are numbers and "abc" is not one');
    expect(pick('status = done').problems[0]!.message).toContain('a status is one of running, finished, failed, killed, scheduled');
    expect(pick('status > failed').problems[0]!.message).toContain('status can be compared with =, != or ~');
    expect(pick('> 3').problems[0]).toMatchObject({ at: 0, message: expect.stringContaining('needs a name before it') });
    expect(pick('lr => 3').problems[0]!.message).toContain('"=>" is not an operator');
    expect(pick('model = "resnet').problems[0]!.message).toBe('the quote " at 9 is not closed');
    expect(pick('a or b').problems[0]!.message).toContain('only AND is supported');
    expect(pick('attributes.owner = me').problems[0]!.message).toContain('"owner" is not an attribute');
  });

  it('never throws on odd input', () => {
    for (const text of ['===', '"', '``', '!', 'a ~', '<<<>>>', 'params.', ' \t ', 'x'.repeat(5000), '😀 > 1']) {
      expect(() => parseRunFilter(text, vocab)).not.toThrow();
    }
  });
});
