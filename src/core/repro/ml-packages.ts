/**
 * The packages an environment diff shows first: the ones whose version change most often
 * changes a model's numbers or whether a saved model loads at all.
 *
 * Why these, in this order:
 * 1. the GPU stack (CUDA, cuDNN, NCCL, Triton, TensorRT): a change swaps the kernels under
 *    every framework and is invisible in Python code;
 * 2. deep-learning frameworks and their runtimes — the libraries MLflow has flavors for
 *    (pytorch, tensorflow/keras, onnx, paddle …) plus jax and lightning: they own the model's
 *    weights format and numerics;
 * 3. classical ML (scikit-learn, xgboost, lightgbm, catboost, statsmodels): MLflow flavors
 *    too, and their pickles rarely load across minor versions;
 * 4. model hubs and LLM libraries (transformers, tokenizers, accelerate, peft, diffusers,
 *    sentence-transformers, langchain …): tokenization and generation defaults move with them;
 * 5. the numeric base (numpy, scipy, pandas, pyarrow, polars, numba): a dtype or default
 *    change here shifts features before any model sees them;
 * 6. what decides whether an artifact loads: mlflow, cloudpickle, joblib, dill, protobuf —
 *    MLflow records cloudpickle's version in MLmodel for this reason.
 * Everything else (web frameworks, linters, CLI tools) follows in name order. The list is kept
 * short on purpose: a name here is a claim that its change deserves a look.
 */
import { normalizePackageName } from './package-name.ts';

const GROUPS: readonly (readonly string[])[] = [
  ['cudatoolkit', 'cuda-toolkit', 'cuda-version', 'cudnn', 'nccl', 'cupy', 'triton', 'tensorrt', 'cuda*', 'nvidia-*'],
  [
    'torch', 'torchvision', 'torchaudio', 'tensorflow', 'tensorflow-cpu', 'tensorflow-gpu', 'tensorflow-intel', 'tf-keras', 'keras',
    'jax', 'jaxlib', 'flax', 'optax', 'paddlepaddle', 'mxnet', 'onnx', 'onnxruntime', 'onnxruntime-gpu', 'lightning', 'pytorch-lightning', 'torchmetrics',
  ],
  ['scikit-learn', 'xgboost', 'lightgbm', 'catboost', 'statsmodels'],
  ['transformers', 'tokenizers', 'accelerate', 'peft', 'diffusers', 'safetensors', 'sentence-transformers', 'datasets', 'langchain', 'spacy'],
  ['numpy', 'scipy', 'pandas', 'pyarrow', 'polars', 'numba'],
  ['mlflow', 'cloudpickle', 'joblib', 'dill', 'protobuf'],
];

const RANK = new Map<string, number>();
const PREFIXES: [string, number][] = [];
GROUPS.flat().forEach((name, i) => (name.endsWith('*') ? PREFIXES.push([name.slice(0, -1), i]) : RANK.set(name, i)));

/**
 * Where a package sorts among the ones that matter (0 first), or undefined when it is not one
 * of them. `key` is a PEP 503 name; other spellings are normalized first.
 */
export function mlPackageRank(key: string): number | undefined {
  const k = normalizePackageName(key);
  return RANK.get(k) ?? PREFIXES.find(([prefix]) => k.startsWith(prefix))?.[1];
}
