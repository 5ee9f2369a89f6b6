/**
 * Python package names: how two spellings are known to be the same project, and the few conda
 * names that are a different PyPI project name.
 *
 * PyPI compares names after PEP 503 normalization (lowercase; every run of `-`, `_` and `.`
 * becomes one `-`), so `Flask`, `typing_extensions` and `ruamel.yaml` in a pip freeze match
 * `flask`, `typing-extensions` and `ruamel-yaml` in a requirements file.
 */

/** A project name as PEP 508 allows it: ASCII letters and digits, with `-_.` inside. */
export const PROJECT_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/;

/**
 * The PEP 503 normalized form of a project name: lowercase, each run of `-`, `_`, `.` → `-`.
 * `normalizePackageName('Typing__Extensions')` → `'typing-extensions'`.
 */
export function normalizePackageName(name: string): string {
  return name.replace(/[-_.]+/g, '-').toLowerCase();
}

// Conda packages that ship a PyPI project under another name. Only names that appear in the
// environments ML teams write (pytorch channel, conda-forge's python-* wrappers) are here: a
// conda name missing from this table keeps its own name, which is right for most packages
// (numpy, scipy, scikit-learn …) because conda-forge follows the PyPI name.
const CONDA_TO_PYPI: Readonly<Record<string, string>> = {
  pytorch: 'torch',
  'pytorch-cpu': 'torch',
  'pytorch-gpu': 'torch',
  'py-xgboost': 'xgboost',
  'py-xgboost-cpu': 'xgboost',
  'py-xgboost-gpu': 'xgboost',
  'tensorflow-base': 'tensorflow',
  'matplotlib-base': 'matplotlib',
  pytables: 'tables',
  'tiledb-py': 'tiledb',
  'python-graphviz': 'graphviz',
  'python-xxhash': 'xxhash',
  'python-cityhash': 'cityhash',
  'py-opencv': 'opencv-python',
};

/**
 * The key a conda package is compared under: its PyPI project's normalized name when the two
 * differ in a known way (`pytorch` → `torch`), else its own normalized name.
 */
export function condaPackageKey(condaName: string): string {
  const key = normalizePackageName(condaName);
  return CONDA_TO_PYPI[key] ?? key;
}
