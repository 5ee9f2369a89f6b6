/**
 * The notebooks step of `driftdesk import mlflow`: each notebook among an imported run's artifacts
 * (src/data/mlflow/run-notebooks.ts) becomes a version of a workspace notebook linked to its run,
 * the same way `driftdesk push notebook FILE --run RUN` adds one: upload the blob, then
 * `POST …/notebooks`, so the server reads the file itself and the rules are the push's. It runs
 * after the runs are on the server (a notebook links to its run by `mlflow:<run id>`). The same
 * bytes at the same path are `unchanged` there, so importing again adds nothing.
 */
import * as Y from 'yjs';
import { latestNotebookVersions, listNotebooks } from '../../core/workspace/index.ts';
import type { ImportedRun } from '../../data/mlflow/imported-run.ts';
import { type NotebookCandidate, type SkippedNotebook, findRunNotebooks, readRunNotebook } from '../../data/mlflow/run-notebooks.ts';
import { ServerCallError, type ServerClient } from '../server-api-client.ts';

export interface AddedNotebook {
  path: string;
  run: string;
  /** The version it became (undefined in a dry run). */
  version?: number;
}

export interface NotebookImportReport {
  added: AddedNotebook[];
  unchanged: number;
  /** Files that are not notebooks (or too large, or refused by the server), each with why. */
  skipped: SkippedNotebook[];
  notes: string[];
}

/**
 * What the import would add: every readable notebook whose bytes are not already the latest
 * version at its path in `doc` (an empty workspace when `doc` is null). Reads, sends nothing.
 */
export function planNotebooks(runs: readonly ImportedRun[], doc: Y.Doc | null): NotebookImportReport {
  const { candidates, notes, skipped } = findRunNotebooks(runs);
  const report: NotebookImportReport = { added: [], unchanged: 0, skipped: [...skipped], notes };
  const latest = doc ? latestNotebookVersions(doc) : new Map();
  const byPath = new Map((doc ? listNotebooks(doc) : []).map((n) => [n.path, n]));
  for (const c of candidates) {
    const read = readRunNotebook(c);
    if (!read.ok) {
      report.skipped.push({ file: read.file, reason: read.reason });
      continue;
    }
    const nb = byPath.get(c.path);
    if (nb && latest.get(nb.id)?.blob === read.sha256) report.unchanged += 1;
    else report.added.push({ path: c.path, run: c.run.name });
  }
  return report;
}

/**
 * Sends every readable notebook (blob, then push). A file the server refuses (a 4xx) is skipped
 * with its reason; an unreachable server or a 5xx stops here, saying the runs are already in.
 */
export async function pushNotebooks(api: ServerClient, runs: readonly ImportedRun[]): Promise<NotebookImportReport> {
  const { candidates, notes, skipped } = findRunNotebooks(runs);
  const report: NotebookImportReport = { added: [], unchanged: 0, skipped: [...skipped], notes };
  for (const c of candidates) {
    const read = readRunNotebook(c);
    if (!read.ok) {
      report.skipped.push({ file: read.file, reason: read.reason });
      continue;
    }
    try {
      await api.call('blobs.put', { params: { sha256: read.sha256 }, body: read.bytes, timeoutMs: 120_000 });
      const r = await api.call('notebooks.push', { body: { sha256: read.sha256, path: c.path, title: c.title, run: `mlflow:${c.run.runId}` } });
      if (r.outcome === 'unchanged') report.unchanged += 1;
      else report.added.push({ path: c.path, run: c.run.name, version: r.version });
    } catch (err) {
      if (!(err instanceof ServerCallError)) throw err;
      if (err.kind === 'unreachable' || (err.status ?? 0) >= 500) throw notSent(c, err, report);
      report.skipped.push({ file: c.file, reason: `the server refused it (${err.status}): ${err.reason ?? err.message}` });
    }
  }
  return report;
}

function notSent(c: NotebookCandidate, err: ServerCallError, report: NotebookImportReport): Error {
  const done = report.added.length + report.unchanged;
  return new Error(`the runs were imported and ${done} notebook(s) sent, but ${c.file} could not be: ${err.message.replace(/\.$/, '')}; run the import again to send the rest`);
}
