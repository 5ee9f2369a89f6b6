/**
 * Reading the YAML files of an environment (conda environment.yml, MLmodel, python_env.yaml)
 * with the `yaml` package, keeping the line of every value so that an error can name it.
 *
 * Version numbers are read as their source text, not as YAML values: YAML reads
 * `python: 3.10` as the number 3.1, and `databricks_runtime: 14.30` would lose its zero.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type YAMLMap } from 'yaml';
import { EnvParseError } from './types.ts';

export interface YamlFile {
  file: string;
  /** The top-level mapping. */
  root: YAMLMap;
  /** 1-based line where a node starts (undefined for a node without a position). */
  lineOf(node: unknown): number | undefined;
  /** Throws EnvParseError at the node's line. */
  fail(node: unknown, detail: string): never;
}

/** Parses `text` as one YAML document whose top level is a mapping; throws EnvParseError on a syntax error. */
export function loadYamlFile(text: string, file: string): YamlFile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const lineAt = (offset: number) => lineCounter.linePos(offset).line;
  const error = doc.errors[0];
  if (error) throw new EnvParseError(file, lineAt(error.pos[0]), `not valid YAML: ${firstLine(error.message)}`);
  const lineOf = (node: unknown) => {
    const range = (node as Node | null)?.range;
    return range ? lineAt(range[0]) : undefined;
  };
  const fail = (node: unknown, detail: string): never => {
    throw new EnvParseError(file, lineOf(node), detail);
  };
  if (!isMap(doc.contents)) fail(doc.contents, doc.contents ? 'expected a mapping (key: value lines) at the top level' : 'the file is empty');
  return { file, root: doc.contents as YAMLMap, lineOf, fail };
}

const firstLine = (s: string) => s.split('\n', 1)[0]!.trim();

/** The node under `key` of a mapping node (undefined when the key is absent or the node is not a mapping). */
export function child(map: unknown, key: string): unknown {
  return isMap(map) ? map.get(key, true) : undefined;
}

/**
 * A scalar as text: strings as they are, numbers and booleans as written in the source
 * (`3.10` stays "3.10"); undefined for null, absent or non-scalar nodes.
 */
export function text(node: unknown): string | undefined {
  if (!isScalar(node) || node.value === null || node.value === undefined) return undefined;
  if (typeof node.value === 'string') return node.value;
  return typeof node.source === 'string' ? node.source : String(node.value);
}

/** The items of a sequence node; [] when absent; fails when the node is something else. */
export function items(y: YamlFile, node: unknown, what: string): unknown[] {
  if (node === undefined || (isScalar(node) && node.value === null)) return [];
  if (!isSeq(node)) return y.fail(node, `${what} should be a list`);
  return node.items;
}

/** A required string scalar (a YAML number or list is not one), or EnvParseError at its line. */
export function stringItem(y: YamlFile, node: unknown, what: string): string {
  const value = isScalar(node) && typeof node.value === 'string' ? node.value.trim() : '';
  if (!value) return y.fail(node, `${what} should be text, found ${isScalar(node) ? `"${text(node) ?? 'null'}"` : 'a list or mapping'}`);
  return value;
}
