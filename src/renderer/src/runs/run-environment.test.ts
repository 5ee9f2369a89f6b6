import { describe, expect, it } from 'vitest';
import { diffEnvironments } from '../../../core/repro';
import type { EnvironmentFile } from '../../../core/workspace';
import { runEnvironment } from './run-environment';

// From test/fixtures/envs/mlflow__mlflow/tests/resources/pyfunc_models/2.8.1 (MLflow's own test models).
const model = (mlflow: string, python: string, dir = 'model'): EnvironmentFile[] => [
  {
    kind: 'mlmodel', path: `${dir}/MLmodel`,
    text: `flavors:\n  python_function:\n    cloudpickle_version: 2.2.1\n    env:\n      conda: conda.yaml\n      virtualenv: python_env.yaml\n    loader_module: mlflow.pyfunc.model\n    python_model: python_model.pkl\n    python_version: ${python}\nmlflow_version: ${mlflow}\n`,
  },
  { kind: 'python_env', path: `${dir}/python_env.yaml`, text: `python: ${python}\nbuild_dependencies:\n  - pip==24.3.1\n  - setuptools\n  - wheel==0.43.0\ndependencies:\n  - -r requirements.txt\n` },
  { kind: 'pip', path: `${dir}/requirements.txt`, text: `mlflow==${mlflow}\ncloudpickle==2.2.1\n` },
];

describe('runEnvironment', () => {
  it('reads an MLmodel with the files beside it', () => {
    const env = runEnvironment(model('2.8.1', '3.11.12'));
    expect(env.kind).toBe('ok');
    if (env.kind !== 'ok') return;
    expect(env.env.python?.version).toBe('3.11.12');
    expect(env.env.packages.map((p) => `${p.key}==${p.version}`)).toEqual(['cloudpickle==2.2.1', 'mlflow==2.8.1']);
  });

  it('ignores files of another folder when reading a model', () => {
    const files = [...model('2.8.1', '3.11.12'), { kind: 'pip' as const, path: 'other/requirements.txt', text: 'torch==2.1.0\n' }];
    const env = runEnvironment(files);
    expect(env.kind === 'ok' && env.env.packages.map((p) => p.key)).toEqual(['cloudpickle', 'mlflow']);
  });

  it('falls back to a pip file, then conda; none without files', () => {
    expect(runEnvironment([])).toEqual({ kind: 'none' });
    const pip = runEnvironment([{ kind: 'conda', path: 'environment.yml', text: 'dependencies:\n  - numpy=1.26\n' }, { kind: 'pip', path: 'freeze.txt', text: 'numpy==1.26.4\n' }]);
    expect(pip.kind === 'ok' && pip.env.kind).toBe('requirements');
    const conda = runEnvironment([{ kind: 'conda', path: 'environment.yml', text: 'dependencies:\n  - python=3.10\n  - numpy=1.26\n' }]);
    expect(conda.kind === 'ok' && conda.env.python?.version).toBe('3.10');
  });

  it('names the file and line a parser could not read, without throwing', () => {
    const env = runEnvironment([{ kind: 'pip', path: 'model/requirements.txt', text: 'numpy==1.26.4\ntorch===\n' }]);
    expect(env).toEqual({ kind: 'error', message: expect.stringMatching(/^model\/requirements\.txt, line 2: /) });
  });

  it('feeds diffEnvironments: MLflow 2.7.1 on Python 3.9 vs 2.8.1 on 3.11', () => {
    const [a, b] = [runEnvironment(model('2.7.1', '3.9.13')), runEnvironment(model('2.8.1', '3.11.12'))];
    if (a.kind !== 'ok' || b.kind !== 'ok') throw new Error('expected both to parse');
    const diff = diffEnvironments(a.env, b.env);
    expect(diff.python).toMatchObject({ from: '3.9.13', to: '3.11.12', level: 'minor' });
    expect(diff.changes).toEqual([expect.objectContaining({ kind: 'changed', key: 'mlflow', level: 'minor', direction: 'upgrade' })]);
  });
});
