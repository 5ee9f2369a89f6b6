// The checklist on real environment files from test/fixtures/envs, read by a test helper.
import { describe, expect, it } from 'vitest';
import { CHECKLIST_WEIGHTS, type ChecklistItemId, reproChecklist } from './index.ts';
import { countryGuessModel, detail, envFile } from '../../../test/helpers/repro-details.ts';

const byId = (c: ReturnType<typeof reproChecklist>, id: ChecklistItemId) => c.items.find((i) => i.id === id)!;

describe('reproChecklist', () => {
  it('weights sum to 100', () => {
    expect(Object.values(CHECKLIST_WEIGHTS).reduce((a, b) => a + b, 0)).toBe(100);
  });

  it('passes every item for a run with commit, params, DVC data, a pinned MLflow model environment and a seed', () => {
    const c = reproChecklist(detail());
    expect(c.items.map((i) => [i.id, i.status])).toEqual([['code', 'pass'], ['params', 'pass'], ['data', 'pass'], ['environment', 'pass'], ['seed', 'pass']]);
    expect(c.score).toBe(100);
    expect(byId(c, 'environment').detail).toContain('Python 3.12.8');
    expect(byId(c, 'environment').detail).toContain('model/MLmodel');
    expect(byId(c, 'code').detail).toContain('clean working tree');
  });

  it('scores a typical MLflow import: no commit, no data, pip freeze without Python, no seed', () => {
    const c = reproChecklist(detail({ code: undefined, dataVersions: [], seed: undefined, environment: [envFile('pip', 'pip-freeze-local.txt', 'requirements.txt')] }));
    expect(byId(c, 'code')).toMatchObject({ status: 'fail', earned: 0 });
    expect(byId(c, 'code').detail).toMatch(/No git commit recorded\. .*mlflow\.source\.git\.commit/);
    expect(byId(c, 'data')).toMatchObject({ status: 'fail', earned: 0 });
    // 101 packages all pinned (10 + 15) but no Python version (0 of 5).
    expect(byId(c, 'environment')).toMatchObject({ status: 'partial', earned: 25 });
    expect(byId(c, 'environment').detail).toContain('Python version not recorded');
    expect(byId(c, 'seed').status).toBe('fail');
    expect(c.score).toBe(15 + 25);
  });

  it('finds the seed in a conventional param when the detail has no seed field', () => {
    expect(byId(reproChecklist(detail({ seed: undefined, params: { random_state: '7' } })), 'seed')).toMatchObject({ status: 'pass', detail: 'Seed 7.' });
  });

  it("counts conda's =2.* and unversioned pip entries as not pinned (lightning-hydra-template)", () => {
    const env = byId(reproChecklist(detail({ environment: [envFile('conda', 'ashleve__lightning-hydra-template/environment.yaml', 'environment.yaml')] })), 'environment');
    // 12 packages, none pinned: 10 for capturing, 0 of 15 for pins, 5 for Python 3.10.*.
    expect(env).toMatchObject({ status: 'partial', earned: 15 });
    expect(env.detail).toContain('12 not pinned');
    expect(env.detail).toContain('conda lightning=2 matches any 2.* release');
    expect(env.detail).toContain('Python 3.10.*');
    expect(env.detail).toContain('and 7 more');
  });

  it('gives pinned share pro rata (latent-diffusion: 11 of 20 pinned, VCS @master is not a pin)', () => {
    const env = byId(reproChecklist(detail({ environment: [envFile('conda', 'CompVis__latent-diffusion/environment.yaml', 'environment.yaml')] })), 'environment');
    expect(env.earned).toBeCloseTo(10 + 15 * (11 / 20) + 5, 10);
    expect(env.detail).toMatch(/^20 packages from environment\.yaml; 9 not pinned/);
    expect(env.detail).toContain('git+https://github.com/openai/CLIP.git@main is not pinned to a commit');
  });

  it('halves code credit for a dirty tree or a commit that is not a hash', () => {
    const dirty = byId(reproChecklist(detail({ code: { commit: '3ea7b47e', dirty: true } })), 'code');
    expect(dirty).toMatchObject({ status: 'partial', earned: 12.5 });
    expect(dirty.detail).toContain('uncommitted changes');
    expect(byId(reproChecklist(detail({ code: { commit: 'HEAD~1' } })), 'code')).toMatchObject({ status: 'partial', earned: 12.5 });
    expect(byId(reproChecklist(detail({ code: { commit: '3ea7b47e' } })), 'code').detail).toContain('working-tree state not recorded');
  });

  it('checks data hashes, and driftdesk refs against the workspace when given its dataset versions', () => {
    const refs = [
      { name: 'train.csv', hash: 'e2082717fdfbbe71b178d7205dbf9ac9', kind: 'driftdesk' as const, datasetVersionId: 'dv1' },
      { name: 'holdout', hash: 'v2', kind: 'url' as const, url: 'https://example.org/holdout.csv' },
    ];
    const data = byId(reproChecklist(detail({ dataVersions: refs }), { datasetVersions: [{ id: 'other', md5: '0'.repeat(32) }] }), 'data');
    expect(data).toMatchObject({ status: 'partial', earned: 10 });
    expect(data.detail).toBe(
      '2 of 2 cannot be fetched by hash: train.csv: no dataset version of this workspace has hash e2082717fdfbbe71b178d7205dbf9ac9; holdout: "v2" is not a content hash (sha256 or md5).',
    );
    const resolved = byId(reproChecklist(detail({ dataVersions: [refs[0]!] }), { datasetVersions: [{ id: 'dv1', md5: 'e2082717fdfbbe71b178d7205dbf9ac9' }] }), 'data');
    expect(resolved.status).toBe('pass');
  });

  it('fails the environment with the file and line when the stored file does not parse', () => {
    const env = byId(reproChecklist(detail({ environment: [{ kind: 'conda', path: 'env.yml', text: 'name: x\ndependencies:\n  - numpy=1.2\n  - [broken\n' }] })), 'environment');
    expect(env.status).toBe('fail');
    expect(env.detail).toMatch(/^The stored files could not be read: env\.yml, line \d+: /);
  });

  it('uses the other files of a model folder, and a python_env.yaml beside a bare requirements file', () => {
    const [, requirements, pythonEnv] = countryGuessModel();
    const env = byId(reproChecklist(detail({ environment: [requirements!, pythonEnv!] })), 'environment');
    expect(env).toMatchObject({ status: 'pass' });
    expect(env.detail).toBe('8 packages from model/requirements.txt; Python 3.12.8.');
  });
});
