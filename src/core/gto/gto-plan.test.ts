import { describe, expect, it } from 'vitest';
import { GtoImportError, planFromHistory, planFromShow, planFromTags } from './gto-plan.ts';

const day = (n: number) => Date.UTC(2024, 0, n);

describe('planFromTags', () => {
  it('replays registrations and stage assignments in time order; the latest assignment of a stage wins', () => {
    const plan = planFromTags([
      { tag: 'churn#prod#3', at: day(5), commit: 'c2' },
      { tag: 'churn@v1.0.0', at: day(1), commit: 'c1' },
      { tag: 'churn#prod#1', at: day(2), commit: 'c1' },
      { tag: 'churn@v1.1.0', at: day(3), commit: 'c2' },
      { tag: 'churn#staging#2', at: day(4), commit: 'c2' },
      { tag: 'v2.0-release', at: day(6), commit: 'c2' },
    ]);
    expect(plan.skippedTags).toEqual(['v2.0-release']);
    expect(plan.artifacts).toHaveLength(1);
    const churn = plan.artifacts[0]!;
    expect(churn.versions.map((v) => [v.label, v.tag, v.at])).toEqual([['v1.0.0', 'churn@v1.0.0', day(1)], ['v1.1.0', 'churn@v1.1.0', day(3)]]);
    expect(churn.moves.map((m) => [m.stage, m.version, m.key])).toEqual([['prod', 'v1.0.0', 'churn#prod#1'], ['staging', 'v1.1.0', 'churn#staging#2'], ['prod', 'v1.1.0', 'churn#prod#3']]);
  });

  it('assigns a stage to the commit itself when no version is registered there (GTO’s unregistered version)', () => {
    const sha = 'e19353d623660452e97a351ab0ba56a92126bd70';
    const plan = planFromTags([{ tag: 'segment#dev#1', at: day(1), commit: sha }]);
    expect(plan.artifacts[0]!.versions).toEqual([{ label: sha, tag: `segment@${sha}`, commit: sha, at: day(1) }]);
    expect(plan.artifacts[0]!.moves).toEqual([{ stage: 'dev', version: sha, key: 'segment#dev#1', at: day(1) }]);
  });

  it('unassigns a stage only from the version it names; notes deregistrations and deprecation', () => {
    const plan = planFromTags([
      { tag: 'churn@v1.0.0', at: day(1), commit: 'c1' },
      { tag: 'churn@v1.1.0', at: day(2), commit: 'c2' },
      { tag: 'churn#prod#1', at: day(3), commit: 'c2' },
      { tag: 'churn#prod!#2', at: day(4), commit: 'c1' }, // v1.0.0 is not in prod: nothing happens
      { tag: 'churn#prod!#3', at: day(5), commit: 'c2' },
      { tag: 'churn@v1.0.0!', at: day(6), commit: 'c1' },
      { tag: 'churn@deprecated#4', at: day(7), commit: 'c2' },
    ]);
    const churn = plan.artifacts[0]!;
    expect(churn.moves.map((m) => [m.stage, m.version, m.key])).toEqual([['prod', 'v1.1.0', 'churn#prod#1'], ['prod', null, 'churn#prod!#3']]);
    expect(churn.versions.find((v) => v.label === 'v1.0.0')?.deregisteredBy).toBe('churn@v1.0.0!');
    expect(churn.deprecatedBy).toBe('churn@deprecated#4');
  });

  it('maps a folder artifact to a model name with a slash', () => {
    expect(planFromTags([{ tag: 'models=churn@v1.0.0', at: day(1), commit: 'c1' }]).artifacts[0]!.modelName).toBe('models/churn');
  });

  it('lists every bad tag at once, and plans nothing', () => {
    let error: unknown;
    try {
      planFromTags([
        { tag: 'churn@v1.0.0', at: day(1), commit: 'c1' },
        { tag: 'churn@1.1', at: day(2), commit: 'c2' },
        { tag: 'churn#prod#x', at: day(3), commit: 'c2' },
        { tag: 'churn#pre/prod#4', at: day(4), commit: 'c2' },
      ]);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(GtoImportError);
    const problems = (error as GtoImportError).problems;
    expect(problems).toHaveLength(3);
    expect(problems[0]).toContain('tag "churn@1.1": version "1.1"');
    expect(problems[1]).toContain('tag "churn#prod#x": counter "x" is not a number');
    expect(problems[2]).toContain('tag "churn#pre/prod#4": stage pre/prod cannot be an alias');
  });
});

describe('planFromHistory and planFromShow', () => {
  it('refuses JSON that is not gto output, naming the entry and field', () => {
    expect(() => planFromHistory([{ artifact: 'churn', event: 'assignment', commit: 'c', ref: 'churn#prod#1' }])).toThrow(/entry 0\.timestamp/);
    expect(() => planFromHistory([{ timestamp: '2022-05-27 02:49:52+03:00', artifact: 'churn', event: 'registration', commit: 'c', ref: 'churn#prod#1' }])).toThrow('entry 0: event registration, but its tag churn#prod#1 is an assignment');
    expect(() => planFromShow({ churn: { version: 'v1.0.0' } })).toThrow(/churn\.stage/);
    expect(() => planFromShow([1, 2])).toThrow(GtoImportError);
  });
});
