import { describe, expect, it } from 'vitest';
import { checkMapping, columnMappingSchema, driftOptionsOf, proposeMapping, untestedColumns } from './column-mapping.ts';

const parse = (input: unknown) => columnMappingSchema.parse(input);

describe('column mapping', () => {
  it('proposes roles from names and kinds, one role per column', () => {
    expect(proposeMapping([
      { name: 'row_id', kind: 'numerical' }, { name: 'date', kind: 'categorical' }, { name: 'temp', kind: 'numerical' },
      { name: 'y', kind: 'numerical' }, { name: 'yhat', kind: 'numerical' }, { name: 'proba', kind: 'numerical' },
    ])).toEqual({ timestamp: 'date', id: 'row_id', target: 'y', prediction: 'yhat', predictionProba: 'proba' });
    // A datetime column wins over a name; per-class probabilities need two classes or more.
    expect(proposeMapping([{ name: 'when', kind: 'datetime' }, { name: 'created_at' }, { name: 'label' }, { name: 'proba_cat' }, { name: 'proba_dog' }]))
      .toEqual({ timestamp: 'when', target: 'label', predictionProba: { cat: 'proba_cat', dog: 'proba_dog' } });
    expect(proposeMapping([{ name: 'proba_cat' }, { name: 'temp' }])).toEqual({});
    // The seattle weather feed: its date is the timestamp, nothing else is guessed.
    expect(proposeMapping(['date', 'precipitation', 'temp_max', 'temp_min', 'wind', 'weather'].map((name) => ({ name }))))
      .toEqual({ timestamp: 'date' });
  });

  it('names every column the data lacks and every clash, by path', () => {
    const mapping = parse({ timestamp: 'date', id: 'date', target: 'nope', predictionProba: { a: 'pa', b: 'date' }, ignored: ['wind', 'gone'], columns: { wind: { stattest: 'psi' } } });
    expect(checkMapping(mapping, ['date', 'wind', 'pa'])).toEqual([
      { path: 'target', message: expect.stringMatching(/^no column "nope" in the data \(it has "date", "wind", "pa"\)$/) },
      { path: 'ignored.1', message: expect.stringMatching(/no column "gone"/) },
      { path: 'id', message: '"date" is already the timestamp column; a column has one role' },
      { path: 'predictionProba.b', message: '"date" is already the timestamp column; a column has one role' },
      { path: 'columns.wind', message: expect.stringMatching(/"wind" is an ignored column, which is never tested/) },
    ]);
    expect(checkMapping(parse({ timestamp: 'date', ignored: ['wind'] }), ['date', 'wind'])).toEqual([]);
  });

  it('refuses malformed input with field paths', () => {
    const bad = columnMappingSchema.safeParse({ timestamp: '', predictionProba: { only: 'p' }, columns: { a: { stattest: 'nope' } }, extra: 1 });
    expect(bad.success).toBe(false);
    const paths = bad.error!.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['timestamp', 'predictionProba', 'columns.a.stattest', '']));
  });

  it('keeps timestamp, id and ignored columns out of tests and turns overrides into options', () => {
    const mapping = parse({ timestamp: 't', id: 'i', target: 'y', ignored: ['x'], columns: { a: { type: 'categorical', stattest: 'chisquare' }, b: { type: 'numerical', threshold: 0.2 } } });
    expect([...untestedColumns(mapping)]).toEqual([['x', 'ignored'], ['i', 'id'], ['t', 'timestamp']]);
    const options = driftOptionsOf(mapping);
    expect(options).toMatchObject({ categorical: ['a'], numerical: ['b'], columnTests: { a: 'chisquare' }, columnThresholds: { b: 0.2 } });
    expect(driftOptionsOf(undefined).exclude.size).toBe(0);
  });
});
