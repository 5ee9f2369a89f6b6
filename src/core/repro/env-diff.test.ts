// On the real fixture files (test/fixtures/envs), read by a test helper: the code under test stays pure.
import { describe, expect, it } from 'vitest';
import { parseCondaEnvironment } from './conda-environment.ts';
import { type PackageChange, diffEnvironments } from './env-diff.ts';
import { environmentFromConda, environmentFromModel, environmentFromRequirements } from './environment.ts';
import { parseMlmodel } from './mlmodel.ts';
import { parsePythonEnv } from './python-env.ts';
import { parseRequirements } from './requirements-file.ts';
import { envFixture as fixture } from '../../../test/helpers/repro-details.ts';

const pip = (text: string, file = 'requirements.txt') => environmentFromRequirements(parseRequirements(text, file));
const conda = (text: string, file = 'environment.yml') => environmentFromConda(parseCondaEnvironment(text, file));
const model = (dir: string) =>
  environmentFromModel({
    mlmodel: parseMlmodel(fixture(`${dir}/MLmodel`), `${dir}/MLmodel`),
    pythonEnv: parsePythonEnv(fixture(`${dir}/python_env.yaml`), `${dir}/python_env.yaml`),
    requirements: parseRequirements(fixture(`${dir}/requirements.txt`), `${dir}/requirements.txt`),
    conda: parseCondaEnvironment(fixture(`${dir}/conda.yaml`), `${dir}/conda.yaml`),
  });
const change = (changes: PackageChange[], key: string) => changes.find((c) => c.key === key);
const versions = (c: PackageChange | undefined) => (c?.kind === 'changed' ? [c.from.version, c.to.version, c.level, c.direction] : c?.kind);

describe('diffEnvironments: the two real pip freeze outputs', () => {
  const local = pip(fixture('pip-freeze-local.txt'), 'pip-freeze-local.txt');
  const system = pip(fixture('pip-freeze-system-python3.txt'), 'pip-freeze-system-python3.txt');
  const diff = diffEnvironments(local, system);

  it('counts what was added, removed and changed, by class', () => {
    expect(diff.counts).toEqual({ added: 108, removed: 63, changed: 36, major: 16, minor: 18, patch: 2, other: 0 });
    expect(diff.same).toBe(false);
    expect(diff.python).toEqual({}); // pip freeze does not say
  });

  it('classifies specific packages, matching names across spellings', () => {
    expect(versions(change(diff.changes, 'numpy'))).toEqual(['2.4.6', '1.24.2', 'major', 'downgrade']);
    expect(versions(change(diff.changes, 'scipy'))).toEqual(['1.17.1', '1.10.1', 'minor', 'downgrade']);
    expect(versions(change(diff.changes, 'jinja2'))).toEqual(['3.1.6', '3.1.2', 'patch', 'downgrade']);
    expect(versions(change(diff.changes, 'pyyaml'))).toEqual(['6.0.3', '6.0', 'patch', 'downgrade']);
    expect(versions(change(diff.changes, 'pluggy'))).toEqual(['1.6.0', '1.0.0+repack', 'minor', 'downgrade']);
    // mypy_extensions (local) and mypy-extensions (Debian) are one project under PEP 503.
    expect(versions(change(diff.changes, 'mypy-extensions'))).toEqual(['1.1.0', '0.4.3', 'major', 'downgrade']);
    expect(change(diff.changes, 'scikit-learn')).toMatchObject({ kind: 'added', ml: true, to: { version: '1.2.1' } });
    expect(change(diff.changes, 'moto')).toMatchObject({ kind: 'removed', ml: false, from: { version: '5.2.1' } });
    expect(change(diff.changes, 'sortedcontainers')).toBeUndefined(); // 2.4.0 on both
  });

  it('lists the packages that matter first, in the curated order, then the rest by name', () => {
    const ml = diff.changes.filter((c) => c.ml).map((c) => c.key);
    expect(ml).toEqual(['scikit-learn', 'statsmodels', 'numpy', 'scipy', 'pandas', 'numba', 'cloudpickle', 'joblib']);
    expect(diff.changes.slice(0, ml.length).every((c) => c.ml)).toBe(true);
    const rest = diff.changes.slice(ml.length).map((c) => c.key);
    expect(rest).toEqual([...rest].sort());
  });

  it('mirrors when the sides swap', () => {
    const back = diffEnvironments(system, local);
    expect(back.counts).toEqual({ added: 63, removed: 108, changed: 36, major: 16, minor: 18, patch: 2, other: 0 });
    expect(versions(change(back.changes, 'numpy'))).toEqual(['1.24.2', '2.4.6', 'major', 'upgrade']);
    expect(diffEnvironments(local, local)).toMatchObject({ same: true, changes: [] });
  });
});

describe('diffEnvironments: MLflow model folders', () => {
  const RES = 'mlflow__mlflow/tests/resources/pyfunc_models';

  it('pyfunc 2.7.1 vs 2.8.1: Python 3.9 → 3.11 and mlflow 2.7.1 → 2.8.1, nothing else', () => {
    const diff = diffEnvironments(model(`${RES}/2.7.1`), model(`${RES}/2.8.1`));
    expect(diff.python).toEqual({ from: '3.9.13', to: '3.11.12', level: 'minor', direction: 'upgrade' });
    expect(diff.changes).toHaveLength(1);
    expect(diff.changes[0]).toMatchObject({ kind: 'changed', key: 'mlflow', what: 'version', level: 'minor', direction: 'upgrade', ml: true });
  });

  it('a PyTorch 1.13 model vs a PyTorch 2.5 model (MLmodel fills in the unpinned mlflow line)', () => {
    const packt = model('PacktPublishing__Practical-Deep-Learning-at-Scale-with-MLFlow/chapter02/mlruns/1/34e6c900bbec484aa32ca9a4827a0c85/artifacts/model');
    const country = model('JortdeJong13__country-guess/mlruns/0/73a1c9a8038c4ad8bb32cf6ddfa937e7/artifacts/model');
    const diff = diffEnvironments(packt, country);
    expect(diff.python).toMatchObject({ from: '3.8.10', to: '3.12.8', level: 'minor' });
    expect(diff.changes[0]).toMatchObject({ key: 'torch', level: 'major', from: { version: '1.13.1' }, to: { version: '2.5.1' } });
    expect(versions(change(diff.changes, 'mlflow'))).toEqual(['1.27.0', '2.17.0', 'major', 'upgrade']);
    expect(versions(change(diff.changes, 'cloudpickle'))).toEqual(['2.2.1', '3.1.0', 'major', 'upgrade']);
    expect(diff.counts).toMatchObject({ added: 5, removed: 13, changed: 3 });
  });
});

describe('diffEnvironments: what else can change', () => {
  it('a conda prefix pin matches the versions it allows; a conda name matches its PyPI name', () => {
    const declared = conda('dependencies:\n  - python=3.10\n  - numpy=1.26\n  - pandas=2.0\n  - pytorch=2.*\n');
    const installed = pip('numpy==1.26.4\npandas==2.1.0\ntorch==2.1.0\n');
    const diff = diffEnvironments(declared, installed);
    expect(diff.changes).toHaveLength(1);
    expect(diff.changes[0]).toMatchObject({ key: 'pandas', what: 'version', level: 'minor', direction: 'upgrade' });
    expect(diff.python).toEqual({ from: '3.10' });
    expect(diffEnvironments(declared, conda('dependencies:\n  - python=3.10.12\n')).python).toEqual({ from: '3.10', to: '3.10.12' });
  });

  it('reports a VCS ref change, a move off the index, a constraint, a conda build and extras', () => {
    const a = pip('-e git+https://github.com/openai/CLIP.git@main#egg=clip\npeft==0.3.0\ntorch>=2.0.0\nmlflow==2.12.2\n');
    const b = pip('-e git+https://github.com/openai/CLIP.git@a1b2c3d#egg=clip\ngit+https://github.com/huggingface/peft.git\ntorch==2.1.0\nmlflow[gateway]==2.12.2\n');
    const what = diffEnvironments(a, b).changes.map((c) => (c.kind === 'changed' ? [c.key, c.what, c.level, c.direction] : [c.key, c.kind]));
    expect(what).toEqual([
      ['torch', 'constraint', 'other', 'unknown'],
      ['peft', 'source', 'other', 'unknown'],
      ['mlflow', 'extras', 'other', 'unknown'],
      ['clip', 'version', 'other', 'unknown'],
    ]);
    const builds = diffEnvironments(conda('dependencies:\n  - numpy=1.19.2=py38h_0\n'), conda('dependencies:\n  - numpy=1.19.2=py38h_1\n'));
    expect(builds.changes).toMatchObject([{ key: 'numpy', what: 'build', from: { build: 'py38h_0' }, to: { build: 'py38h_1' } }]);
  });

  it("lightning-hydra-template's requirements.txt vs its environment.yaml: constraints, not versions", () => {
    const reqs = pip(fixture('ashleve__lightning-hydra-template/requirements.txt'));
    const env = environmentFromConda(parseCondaEnvironment(fixture('ashleve__lightning-hydra-template/environment.yaml'), 'environment.yaml'));
    const diff = diffEnvironments(reqs, env);
    expect(change(diff.changes, 'torch')).toMatchObject({ what: 'constraint', from: { spec: '>=2.0.0' }, to: { spec: '=2.*', version: '2', versionIsPrefix: true } });
    expect(change(diff.changes, 'hydra-core')).toBeUndefined(); // ==1.3.2 is within conda's 1.*
    expect(change(diff.changes, 'hydra-colorlog')).toMatchObject({ what: 'constraint', from: { spec: '==1.2.0' }, to: { spec: '' } });
    expect(diff.changes.map((c) => `${c.kind} ${c.key}`)).toEqual([
      'changed torch', 'changed torchvision', 'changed lightning', 'changed torchmetrics',
      'changed hydra-colorlog', 'changed hydra-optuna-sweeper', 'added pip', 'changed pre-commit', 'changed pytest', 'changed rich',
    ]);
  });
});
