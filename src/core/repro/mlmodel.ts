/**
 * MLflow's `MLmodel` file (the YAML at the root of every logged or saved model): its flavors
 * and the library versions they record, the Python version, the signature, and the model's
 * identity. Format: mlflow/models/model.py (`Model.to_dict`) and mlflow/types/schema.py for
 * the signature's JSON.
 */
import { isMap, isScalar } from 'yaml';
import { normalizePackageName } from './package-name.ts';
import { child, loadYamlFile, text, type YamlFile } from './yaml-source.ts';

/** One signature entry: a named or unnamed column (ColSpec) or a tensor (TensorSpec). */
export type SignatureField =
  | { kind: 'column'; name?: string; /** `double`, `string`, `array<string>`, `object{role: string}` … */ type: string; required: boolean }
  | { kind: 'tensor'; name?: string; dtype: string; /** -1 for a variable dimension. */ shape: number[] };

export interface SignatureParam {
  name: string;
  type: string;
  default?: unknown;
}

export interface ModelSignature {
  inputs: SignatureField[];
  outputs: SignatureField[];
  params: SignatureParam[];
}

export interface MlmodelFlavor {
  name: string;
  /** The flavor's `*_version` entries as written, e.g. { pytorch_version: '2.5.1' }. */
  versions: Record<string, string>;
  loaderModule?: string;
}

/** A package version a flavor records: `pytorch_version: 1.13.1+cu117` → torch 1.13.1+cu117. */
export interface MlmodelPackage {
  name: string;
  key: string;
  version: string;
  /** The flavor that records it, or `mlflow` for `mlflow_version`. */
  flavor: string;
}

export interface Mlmodel {
  file: string;
  flavors: MlmodelFlavor[];
  pythonVersion?: string;
  mlflowVersion?: string;
  modelUuid?: string;
  /** As MLflow writes it: 'YYYY-MM-DD HH:MM:SS.ffffff', UTC. */
  utcTimeCreated?: string;
  runId?: string;
  artifactPath?: string;
  signature?: ModelSignature;
  /** The environment files python_function names (`env: conda.yaml`, or `env: {conda, virtualenv}`). */
  envFiles: { conda?: string; virtualenv?: string };
  packages: MlmodelPackage[];
}

// Flavors whose version key is not the PyPI name (mlflow.sklearn writes sklearn_version, …).
const FLAVOR_PACKAGE: Readonly<Record<string, string>> = {
  sklearn: 'scikit-learn', pytorch: 'torch', spark: 'pyspark', lgb: 'lightgbm', tf: 'tensorflow', paddle: 'paddlepaddle',
};

/** Parses an MLmodel file; throws EnvParseError naming `fileName` and the line. */
export function parseMlmodel(source: string, fileName = 'MLmodel'): Mlmodel {
  const y: YamlFile = loadYamlFile(source, fileName);
  const flavorsNode = child(y.root, 'flavors');
  if (!isMap(flavorsNode)) y.fail(flavorsNode ?? y.root, 'no "flavors:" mapping: is this an MLmodel file?');
  const model: Mlmodel = { file: fileName, flavors: [], envFiles: {}, packages: [] };
  for (const pair of flavorsNode.items) {
    const name = isScalar(pair.key) ? text(pair.key) : undefined;
    if (!name) y.fail(pair.key ?? flavorsNode, 'a flavor needs a name');
    const versions: Record<string, string> = {};
    if (isMap(pair.value)) {
      for (const entry of pair.value.items) {
        const key = isScalar(entry.key) ? text(entry.key) : undefined;
        const value = text(entry.value);
        if (key?.endsWith('_version') && value !== undefined) versions[key] = value;
      }
    }
    const loader = text(child(pair.value, 'loader_module'));
    model.flavors.push({ name, versions, ...(loader ? { loaderModule: loader } : {}) });
    for (const [key, version] of Object.entries(versions)) {
      if (key === 'python_version') continue;
      const base = key.slice(0, -'_version'.length);
      const pkg = FLAVOR_PACKAGE[base] ?? base;
      model.packages.push({ name: pkg, key: normalizePackageName(pkg), version, flavor: name });
    }
  }
  const pyfunc = child(flavorsNode, 'python_function');
  const fields: [keyof Mlmodel, unknown][] = [
    ['pythonVersion', child(pyfunc, 'python_version')], ['mlflowVersion', child(y.root, 'mlflow_version')],
    ['modelUuid', child(y.root, 'model_uuid')], ['utcTimeCreated', child(y.root, 'utc_time_created')],
    ['runId', child(y.root, 'run_id')], ['artifactPath', child(y.root, 'artifact_path')],
  ];
  for (const [field, node] of fields) {
    const value = text(node);
    if (value !== undefined) Object.assign(model, { [field]: value });
  }
  if (model.mlflowVersion) model.packages.push({ name: 'mlflow', key: 'mlflow', version: model.mlflowVersion, flavor: 'mlflow' });
  const env = child(pyfunc, 'env');
  if (isScalar(env) && text(env)) model.envFiles.conda = text(env);
  for (const kind of ['conda', 'virtualenv'] as const) {
    const file = text(child(env, kind));
    if (file) model.envFiles[kind] = file;
  }
  const signature = child(y.root, 'signature');
  if (isMap(signature)) model.signature = readSignature(y, signature);
  return model;
}

function readSignature(y: YamlFile, node: unknown): ModelSignature {
  const json = (key: string): unknown[] => {
    const value = child(node, key);
    const raw = text(value);
    if (raw === undefined) return [];
    try {
      const parsed: unknown = JSON.parse(raw);
      if (!Array.isArray(parsed)) throw new Error('expected a JSON list');
      return parsed;
    } catch (err) {
      return y.fail(value, `signature ${key} is not a JSON list of fields: ${(err as Error).message}`);
    }
  };
  const field = (key: string) => (spec: unknown): SignatureField => {
    const s = spec as Record<string, unknown>;
    const name = typeof s?.name === 'string' ? { name: s.name } : {};
    if (s?.type === 'tensor') {
      const t = s['tensor-spec'] as { dtype?: unknown; shape?: unknown } | undefined;
      if (typeof t?.dtype !== 'string' || !Array.isArray(t.shape)) y.fail(child(node, key), `signature ${key}: a tensor needs "tensor-spec" with dtype and shape`);
      return { kind: 'tensor', ...name, dtype: t.dtype, shape: t.shape.map(Number) };
    }
    if (s?.type === undefined) y.fail(child(node, key), `signature ${key}: a field without "type"`);
    return { kind: 'column', ...name, type: typeText(s), required: s.required !== false && s.optional !== true };
  };
  const params = json('params').map((p) => {
    const s = p as Record<string, unknown>;
    return { name: String(s.name), type: String(s.type), ...(s.default === undefined ? {} : { default: s.default }) };
  });
  return { inputs: json('inputs').map(field('inputs')), outputs: json('outputs').map(field('outputs')), params };
}

// MLflow's nested types (Array, Object, Map in mlflow/types/schema.py) as one readable string.
function typeText(spec: unknown): string {
  const s = spec as { type?: unknown; items?: unknown; properties?: Record<string, unknown>; values?: unknown } | null;
  if (s?.type === 'array') return `array<${typeText(s.items)}>`;
  if (s?.type === 'map') return `map<${typeText(s.values)}>`;
  if (s?.type === 'object') return `object{${Object.entries(s.properties ?? {}).map(([k, v]) => `${k}: ${typeText(v)}`).join(', ')}}`;
  return typeof s?.type === 'string' ? s.type : typeof spec === 'string' ? spec : 'unknown';
}
