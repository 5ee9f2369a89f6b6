// On the real fixture files (test/fixtures/envs), read by a test helper: the code under test stays pure.
import { describe, expect, it } from 'vitest';
import { parseCondaEnvironment } from './conda-environment.ts';
import { environmentFromConda, environmentFromModel, environmentFromPythonEnv, environmentFromRequirements } from './environment.ts';
import { parseMlmodel } from './mlmodel.ts';
import { parsePythonEnv } from './python-env.ts';
import { parseRequirements } from './requirements-file.ts';
import { envFixture as fixture } from '../../../test/helpers/repro-details.ts';

const SKLEARN = 'mlflow__mlflow/tests/resources/example_mlflow_1x_sklearn_model';
const PACKT = 'PacktPublishing__Practical-Deep-Learning-at-Scale-with-MLFlow/chapter02/mlruns/1/34e6c900bbec484aa32ca9a4827a0c85/artifacts/model';

describe('environments merged from what a run left', () => {
  it('one package for black and black[jupyter] (alpaca-lora), as pip installs them', () => {
    const env = environmentFromRequirements(parseRequirements(fixture('tloen__alpaca-lora/requirements.txt'), 'requirements.txt'));
    expect(env.packages).toHaveLength(11);
    expect(env.packages.find((p) => p.key === 'black')).toEqual({ name: 'black', key: 'black', source: 'pip', spec: '', origin: { kind: 'index' }, extras: ['jupyter'] });
    expect(env.notes).toEqual([]);
  });

  it("conda's python becomes the Python version; pip's git entry replaces conda's (dask CI)", () => {
    const env = environmentFromConda(parseCondaEnvironment(fixture('dask__dask/continuous_integration/environment-3.12.yaml'), 'environment-3.12.yaml'));
    expect(env.python).toEqual({ version: '3.12', isPrefix: true, file: 'environment-3.12.yaml' });
    expect(env.packages.some((p) => p.key === 'python')).toBe(false);
    expect(env.packages.find((p) => p.key === 'distributed')).toMatchObject({ source: 'pip', origin: { kind: 'vcs', url: 'git+https://github.com/dask/distributed' } });
    expect(env.notes).toEqual(["distributed: the pip entry (git+https://github.com/dask/distributed) replaces conda's distributed, as pip installs last"]);
    expect(env.channels).toEqual(['conda-forge', 'nodefaults']);
  });

  it("a model folder: MLmodel's Python wins, and disagreements between the files become notes", () => {
    const read = (f: string) => fixture(`${SKLEARN}/${f}`);
    const env = environmentFromModel({
      mlmodel: parseMlmodel(read('MLmodel'), 'MLmodel'),
      pythonEnv: parsePythonEnv(read('python_env.yaml'), 'python_env.yaml'),
      requirements: parseRequirements(read('requirements.txt'), 'requirements.txt'),
      conda: parseCondaEnvironment(read('conda.yaml'), 'conda.yaml'),
    });
    expect(env).toMatchObject({ kind: 'mlmodel', files: ['MLmodel', 'python_env.yaml', 'requirements.txt', 'conda.yaml'], channels: ['conda-forge'] });
    expect(env.python).toEqual({ version: '3.10.16', isPrefix: false, file: 'MLmodel' });
    // This MLflow test model was saved by one environment and carries another's files.
    expect(env.notes).toEqual([
      'Python: MLmodel says 3.10.16, python_env.yaml says 3.8.12; using 3.10.16',
      'Python: MLmodel says 3.10.16, conda.yaml says 3.8.12; using 3.10.16',
      "scikit-learn: MLmodel's sklearn flavor records 1.5.2, requirements.txt has 1.1.2; using 1.1.2",
    ]);
    expect(env.packages.map((p) => `${p.key}${p.version ? `==${p.version}` : ''}`)).toEqual([
      'cloudpickle==1.6.0', 'mlflow==1.30.1', 'psutil==5.9.0', 'scikit-learn==1.1.2', 'typing-extensions==4.1.1',
    ]);
    expect(env.model).toMatchObject({ modelUuid: '4d622e7b02614d1eb71f44eeb927be4f', mlflowVersion: '1.30.1' });
  });

  it("a +cu117 flavor version matches MLflow's requirements.txt line without it; conda.yaml alone still gives packages", () => {
    const mlmodel = parseMlmodel(fixture(`${PACKT}/MLmodel`), 'MLmodel');
    const withList = environmentFromModel({ mlmodel, requirements: parseRequirements(fixture(`${PACKT}/requirements.txt`), 'requirements.txt') });
    expect(withList.notes).toEqual([]);
    expect(withList.packages.find((p) => p.key === 'torch')).toMatchObject({ version: '1.13.1', source: 'pip' });
    const condaOnly = environmentFromModel({ mlmodel, conda: parseCondaEnvironment(fixture(`${PACKT}/conda.yaml`), 'conda.yaml') });
    // conda.yaml repeats requirements.txt under pip: and adds conda's own pip<=22.3.1.
    expect(condaOnly.packages.map((p) => p.key)).toEqual([...withList.packages.map((p) => p.key), 'pip'].sort());
    expect(condaOnly.python).toEqual({ version: '3.8.10', isPrefix: false, file: 'MLmodel' });
    const alone = environmentFromModel({ mlmodel });
    expect(alone.packages.map((p) => [p.key, p.version, p.origin])).toEqual([
      ['mlflow', '1.27.0', { kind: 'flavor', flavor: 'mlflow' }],
      ['torch', '1.13.1+cu117', { kind: 'flavor', flavor: 'pytorch' }],
    ]);
  });

  it('names -r / -c files in a note instead of reading them (python_env.yaml alone, a requirements file)', () => {
    const env = environmentFromPythonEnv(parsePythonEnv(fixture(`${SKLEARN}/python_env.yaml`), 'python_env.yaml'));
    expect(env).toMatchObject({ kind: 'python_env', python: { version: '3.8.12' }, packages: [] });
    expect(env.notes).toEqual(['python_env.yaml, line 7: -r requirements.txt is not read (only the files given are)']);
    const req = environmentFromRequirements(parseRequirements('-c constraints.txt\nnumpy\n', 'requirements.in'));
    expect(req.notes).toEqual(['requirements.in, line 1: -c constraints.txt is not read (only the files given are)']);
  });
});
