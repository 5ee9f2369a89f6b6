/**
 * MLflow's `python_env.yaml` (written beside MLmodel since MLflow 1.26 for virtualenv
 * restores): the Python version, the build tools (pip, setuptools, wheel) and the
 * dependencies, usually `-r requirements.txt`.
 */
import { addEntries, readRequirementLine } from './requirements-file.ts';
import type { RequirementsFile } from './types.ts';
import { child, items, loadYamlFile, stringItem, text, type YamlFile } from './yaml-source.ts';

export interface PythonEnv {
  file: string;
  python?: string;
  /** `build_dependencies`: pip, setuptools, wheel as requirement lines. */
  build: RequirementsFile;
  /** `dependencies`: requirement lines; `-r requirements.txt` lands in `references`, not followed. */
  dependencies: RequirementsFile;
}

/** Parses a python_env.yaml; throws EnvParseError naming `fileName` and the line. */
export function parsePythonEnv(text_: string, fileName = 'python_env.yaml'): PythonEnv {
  const y: YamlFile = loadYamlFile(text_, fileName);
  const python = text(child(y.root, 'python'));
  if (child(y.root, 'python') !== undefined && python === undefined) y.fail(child(y.root, 'python'), 'python: should be a version such as 3.10.12');
  return {
    file: fileName,
    ...(python === undefined ? {} : { python: python.trim() }),
    build: readList(y, 'build_dependencies'),
    dependencies: readList(y, 'dependencies'),
  };
}

function readList(y: YamlFile, key: string): RequirementsFile {
  const out: RequirementsFile = { file: y.file, requirements: [], options: [], references: [] };
  for (const item of items(y, child(y.root, key), `${key}:`)) {
    addEntries(out, readRequirementLine(stringItem(y, item, `an entry of ${key}`), y.file, y.lineOf(item)!));
  }
  return out;
}
