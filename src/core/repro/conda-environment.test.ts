// On the real fixture files (test/fixtures/envs), read by a test helper: the code under test stays pure.
import { describe, expect, it } from 'vitest';
import { parseCondaEnvironment, parseMatchSpec } from './conda-environment.ts';
import { EnvParseError } from './types.ts';
import { envFixture as fixture } from '../../../test/helpers/repro-details.ts';

const parse = (path: string) => parseCondaEnvironment(fixture(path), path);

const CONDA_FILES = [
  'CompVis__latent-diffusion/environment.yaml',
  'ashleve__lightning-hydra-template/environment.yaml',
  'dask__dask/continuous_integration/environment-3.12.yaml',
  'dask__dask/continuous_integration/environment-mindeps-optional.yaml',
  'mlflow__mlflow/tests/resources/example_mlflow_1x_sklearn_model/conda.yaml',
  'mlflow__mlflow/tests/resources/example_mlflow_2.12_langchain_model/conda.yaml',
  'mlflow__mlflow/tests/resources/pyfunc_models/2.7.1/conda.yaml',
  'mlflow__mlflow/tests/resources/pyfunc_models/2.8.1/conda.yaml',
  'JortdeJong13__country-guess/mlruns/0/73a1c9a8038c4ad8bb32cf6ddfa937e7/artifacts/model/conda.yaml',
  'PacktPublishing__Practical-Deep-Learning-at-Scale-with-MLFlow/chapter02/mlruns/1/34e6c900bbec484aa32ca9a4827a0c85/artifacts/model/conda.yaml',
];

describe('parseCondaEnvironment on real files', () => {
  it('reads every conda file in the fixtures', () => {
    const sizes = CONDA_FILES.map((path) => {
      const env = parse(path);
      return [env.dependencies.length, env.pip.requirements.length];
    });
    expect(sizes).toEqual([[6, 15], [10, 3], [62, 1], [52, 1], [2, 5], [2, 20], [2, 2], [2, 2], [2, 8], [2, 16]]);
  });

  it("reads CompVis's channels, pinned conda packages and the -e git+…#egg= pip lines", () => {
    const env = parse('CompVis__latent-diffusion/environment.yaml');
    expect(env).toMatchObject({ name: 'ldm', channels: ['pytorch', 'defaults'] });
    expect(env.dependencies.find((d) => d.name === 'pytorch')).toEqual({
      name: 'pytorch', key: 'torch', spec: '=1.7.0', match: { kind: 'prefix', version: '1.7.0' }, line: 9,
    });
    const taming = env.pip.requirements.find((r) => r.name === 'taming-transformers');
    expect(taming).toMatchObject({
      editable: true, nameFrom: 'egg', line: 25,
      source: { kind: 'vcs', vcs: 'git', url: 'git+https://github.com/CompVis/taming-transformers.git@master', ref: 'master' },
    });
    expect(env.pip.requirements.at(-1)).toMatchObject({ name: '.', editable: true, source: { kind: 'path', path: '.' }, line: 27 });
    expect(env.pip.requirements.find((r) => r.name === 'test-tube')!.specs).toEqual([{ op: '>=', version: '0.7.5' }]);
  });

  it('reads wildcards, ranges and the git pip entry of the dask and lightning-hydra files', () => {
    const hydra = parse('ashleve__lightning-hydra-template/environment.yaml');
    expect(hydra.dependencies.map((d) => [d.key, d.match])).toContainEqual(['torch', { kind: 'prefix', version: '2' }]);
    expect(hydra.dependencies.find((d) => d.name === 'pip')!.match).toEqual({ kind: 'range', spec: '>=23' });
    const dask = parse('dask__dask/continuous_integration/environment-3.12.yaml');
    expect(dask.dependencies.find((d) => d.name === 'moto')!.match).toEqual({ kind: 'range', spec: '<5' });
    expect(dask.dependencies.find((d) => d.name === 'pytables')!.key).toBe('tables');
    expect(dask.pip.requirements).toMatchObject([{ name: 'distributed', nameFrom: 'url', source: { kind: 'vcs', url: 'git+https://github.com/dask/distributed' }, line: 76 }]);
    const mindeps = parse('dask__dask/continuous_integration/environment-mindeps-optional.yaml');
    expect(mindeps.dependencies.find((d) => d.name === 'IPython')).toMatchObject({ key: 'ipython', match: { kind: 'prefix', version: '7.30.1' } });
  });
});

describe('parseMatchSpec', () => {
  it('reads the string forms conda accepts', () => {
    expect(parseMatchSpec('numpy=1.19.2=py38h54aff64_0')).toEqual({ name: 'numpy', key: 'numpy', spec: '=1.19.2=py38h54aff64_0', match: { kind: 'exact', version: '1.19.2' }, build: 'py38h54aff64_0' });
    expect(parseMatchSpec('conda-forge::numpy==1.26.4')).toMatchObject({ channel: 'conda-forge', match: { kind: 'exact', version: '1.26.4' } });
    expect(parseMatchSpec('numpy 1.8*')).toMatchObject({ match: { kind: 'prefix', version: '1.8' } });
    expect(parseMatchSpec('numpy 1.8.1 py27_0')).toMatchObject({ match: { kind: 'exact', version: '1.8.1' }, build: 'py27_0' });
    expect(parseMatchSpec('numpy >=1.2,<2')).toMatchObject({ match: { kind: 'range', spec: '>=1.2,<2' } });
    expect(parseMatchSpec("pytorch[version='>=2.1',build=cuda*]")).toMatchObject({ key: 'torch', match: { kind: 'range', spec: '>=2.1' }, build: 'cuda*' });
    expect(parseMatchSpec('pip')).toMatchObject({ spec: '', match: { kind: 'any' } });
  });
});

describe('parseCondaEnvironment: bad files', () => {
  const failure = (text: string) => {
    try {
      parseCondaEnvironment(text, 'environment.yml');
    } catch (err) {
      if (err instanceof EnvParseError) return err.message;
      throw err;
    }
    throw new Error('parsed');
  };

  it('names the file and the line', () => {
    expect(failure('name: x\ndependencies:\n  - numpy\n  - [a, b\n')).toMatch(/^environment\.yml, line \d: not valid YAML: /);
    expect(failure('name: x\ndependencies:\n  - numpy\n  - 3\n')).toBe('environment.yml, line 4: a dependency should be text, found "3"');
    expect(failure('dependencies:\n  - numpy\n  - [a, b]\n')).toBe('environment.yml, line 3: a dependency should be text, found a list or mapping');
    expect(failure('dependencies:\n  - numpy\n  - =1.0\n')).toBe('environment.yml, line 3: cannot read conda dependency "=1.0": expected a package name');
    expect(failure('dependencies:\n  - numpy\n  - conda:\n      - scipy\n')).toBe('environment.yml, line 3: unexpected "conda:" in dependencies: only a "pip:" list may appear there');
    expect(failure('dependencies:\n  - pip:\n      - torch>=2.0\n      - torch=2.0\n')).toBe(
      'environment.yml, line 4: cannot read "torch=2.0": expected a version specifier such as ==1.0 or >=2, found "=2.0"',
    );
    expect(failure('name: x\nchannels: [conda-forge]\n')).toBe('environment.yml, line 1: no "dependencies:" list: is this a conda environment file?');
    expect(failure('')).toBe('environment.yml: the file is empty');
  });
});
