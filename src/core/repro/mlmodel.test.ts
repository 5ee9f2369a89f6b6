// On the real fixture files (test/fixtures/envs), read by a test helper: the code under test stays pure.
import { describe, expect, it } from 'vitest';
import { parseMlmodel } from './mlmodel.ts';
import { parsePythonEnv } from './python-env.ts';
import { EnvParseError } from './types.ts';
import { envFixture as fixture } from '../../../test/helpers/repro-details.ts';

const RES = 'mlflow__mlflow/tests/resources';
const COUNTRY = 'JortdeJong13__country-guess/mlruns/0/73a1c9a8038c4ad8bb32cf6ddfa937e7/artifacts/model';
const PACKT = 'PacktPublishing__Practical-Deep-Learning-at-Scale-with-MLFlow/chapter02/mlruns/1/34e6c900bbec484aa32ca9a4827a0c85/artifacts/model';
const MODEL_FOLDERS = [`${RES}/example_mlflow_1x_sklearn_model`, `${RES}/example_mlflow_2.12_langchain_model`, `${RES}/pyfunc_models/2.7.1`, `${RES}/pyfunc_models/2.8.1`, COUNTRY, PACKT];

describe('parseMlmodel on real MLmodel files', () => {
  it('reads every MLmodel in the fixtures: flavors, Python and MLflow versions', () => {
    const summary = MODEL_FOLDERS.map((dir) => {
      const m = parseMlmodel(fixture(`${dir}/MLmodel`), `${dir}/MLmodel`);
      return [m.flavors.map((f) => f.name).join('+'), m.pythonVersion, m.mlflowVersion];
    });
    expect(summary).toEqual([
      ['python_function+sklearn', '3.10.16', '1.30.1'],
      ['langchain+python_function', '3.10.12', '2.12.2'],
      ['python_function', '3.9.13', '2.7.1'],
      ['python_function', '3.11.12', '2.8.1'],
      ['python_function+pytorch', '3.12.8', '2.17.0'],
      ['python_function+pytorch', '3.8.10', '1.27.0'],
    ]);
  });

  it('turns flavor versions into packages under their PyPI names', () => {
    const packt = parseMlmodel(fixture(`${PACKT}/MLmodel`));
    expect(packt.packages).toEqual([
      { name: 'torch', key: 'torch', version: '1.13.1+cu117', flavor: 'pytorch' },
      { name: 'mlflow', key: 'mlflow', version: '1.27.0', flavor: 'mlflow' },
    ]);
    expect(packt).toMatchObject({ modelUuid: '187ae8a98845445e8dd9e102c99c675e', utcTimeCreated: '2023-02-23 05:39:54.847879', runId: '34e6c900bbec484aa32ca9a4827a0c85', envFiles: { conda: 'conda.yaml' } });
    const sklearn = parseMlmodel(fixture(`${RES}/example_mlflow_1x_sklearn_model/MLmodel`));
    expect(sklearn.packages.map((p) => [p.key, p.version])).toEqual([['scikit-learn', '1.5.2'], ['mlflow', '1.30.1']]);
    expect(sklearn.flavors[1]).toEqual({ name: 'sklearn', versions: { sklearn_version: '1.5.2' } });
    const pyfunc = parseMlmodel(fixture(`${RES}/pyfunc_models/2.8.1/MLmodel`));
    expect(pyfunc.packages.map((p) => [p.key, p.version])).toEqual([['cloudpickle', '2.2.1'], ['mlflow', '2.8.1']]);
    expect(pyfunc.envFiles).toEqual({ conda: 'conda.yaml', virtualenv: 'python_env.yaml' });
  });

  it("reads the langchain model's signature (MLflow 2.12 object/array column types)", () => {
    const m = parseMlmodel(fixture(`${RES}/example_mlflow_2.12_langchain_model/MLmodel`));
    expect(m.signature).toEqual({
      inputs: [{ kind: 'column', name: 'messages', type: 'array<object{content: string, role: string}>', required: true }],
      outputs: [{ kind: 'column', type: 'string', required: true }],
      params: [],
    });
    expect(m.modelUuid).toBe('bbdda59aafe84e11b2fc25a95e46aee1');
  });

  it('reads tensor signatures and params (the shapes MLflow documents for TensorSpec and ParamSpec)', () => {
    const text = [
      'flavors:',
      '  python_function: {loader_module: mlflow.keras, python_version: 3.10}',
      '  keras: {keras_version: 2.15.0}',
      'signature:',
      `  inputs: '[{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 28, 28]}}]'`,
      `  outputs: '[{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 10]}, "name": "probs"}]'`,
      `  params: '[{"name": "temperature", "type": "double", "default": 0.5, "shape": null}]'`,
    ].join('\n');
    const m = parseMlmodel(text);
    expect(m.pythonVersion).toBe('3.10'); // not the number 3.1
    expect(m.signature).toEqual({
      inputs: [{ kind: 'tensor', dtype: 'float32', shape: [-1, 28, 28] }],
      outputs: [{ kind: 'tensor', name: 'probs', dtype: 'float32', shape: [-1, 10] }],
      params: [{ name: 'temperature', type: 'double', default: 0.5 }],
    });
  });

  it('names the file and line of what it cannot read', () => {
    const failure = (text: string) => {
      try {
        parseMlmodel(text, 'model/MLmodel');
      } catch (err) {
        if (err instanceof EnvParseError) return err.message;
        throw err;
      }
      throw new Error('parsed');
    };
    expect(failure('artifact_path: model\nrun_id: abc\n')).toBe('model/MLmodel, line 1: no "flavors:" mapping: is this an MLmodel file?');
    expect(failure("flavors:\n  python_function: {}\nsignature:\n  inputs: '[{\"type\": '\n")).toMatch(/^model\/MLmodel, line 4: signature inputs is not a JSON list of fields: /);
    expect(failure('flavors:\n  python_function:\n    env: conda.yaml\n   bad: [\n')).toMatch(/^model\/MLmodel, line \d: not valid YAML: /);
  });
});

describe('parsePythonEnv', () => {
  it('reads every python_env.yaml: Python version, build tools, and the -r it does not follow', () => {
    for (const dir of MODEL_FOLDERS) {
      const env = parsePythonEnv(fixture(`${dir}/python_env.yaml`), `${dir}/python_env.yaml`);
      expect(env.python).toMatch(/^3\.\d+\.\d+$/);
      expect(env.build.requirements.map((r) => r.key)).toEqual(['pip', 'setuptools', 'wheel']);
      expect(env.dependencies.references).toEqual([{ kind: 'requirements', path: 'requirements.txt', line: expect.any(Number) }]);
    }
    const old = parsePythonEnv(fixture(`${RES}/example_mlflow_1x_sklearn_model/python_env.yaml`));
    expect(old.python).toBe('3.8.12');
    expect(old.build.requirements[0]).toMatchObject({ name: 'pip', specs: [{ op: '==', version: '22.2.2' }], line: 3 });
  });

  it('keeps python: 3.10 as text', () => {
    expect(parsePythonEnv('python: 3.10\nbuild_dependencies: [pip]\ndependencies: [numpy==1.26.4]\n').python).toBe('3.10');
  });
});
