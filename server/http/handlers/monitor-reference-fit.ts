/**
 * A monitor's fit on its reference (src/data/datasets/reference-fit.ts: the drift share of each
 * reference chunk, the PCA of multivariate drift), made once and kept: the blob it is stored in
 * is named on the monitor record with the key of what it was fitted for — the reference, the
 * mapping, the chunking and which parts the rules need — so a change of any of them refits on
 * the next batch, and every server process reads the same fit. A fit read back is checked
 * (editors write monitor records, so the blob named there is not trusted to be one).
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { type AlertRule, type MonitorRecord, setReferenceFit } from '../../../src/core/monitor/index.ts';
import { DatasetError } from '../../../src/data/datasets/dataset-reader.ts';
import { REFERENCE_FIT_VERSION, type ReferenceFit, type ReferenceFitNeeds, fitReference, parseReferenceFit } from '../../../src/data/datasets/reference-fit.ts';
import type { HandlerDeps } from './deps.ts';
import { ReferenceUnreadable, putJson } from './monitor-shared.ts';

/** Which parts of a fit the rules need (none: nothing is fitted). */
export function fitNeeds(rules: readonly AlertRule[]): ReferenceFitNeeds {
  return {
    driftShare: rules.some((r) => r.kind === 'driftShare' && r.bounds === 'reference'),
    multivariate: rules.some((r) => r.kind === 'multivariate'),
  };
}

/** What a fit depends on, hashed. */
export function fitKey(monitor: MonitorRecord, needs: ReferenceFitNeeds): string {
  const what = { v: REFERENCE_FIT_VERSION, blob: monitor.referenceBlob, format: monitor.referenceFormat, mapping: monitor.mapping ?? null, chunking: monitor.chunking ?? { kind: 'default' }, needs };
  return createHash('sha256').update(JSON.stringify(what)).digest('hex');
}

/**
 * The monitor's fit for `needs`: the kept one when its key still holds, else fitted now on the
 * reference (`referencePath()` writes it to a temp file), stored, and named on the monitor.
 * Throws EngineBusy when the engine has too much of this workspace's work waiting, and
 * ReferenceUnreadable when the reference cannot be read.
 */
export async function referenceFitFor(
  deps: HandlerDeps, workspaceId: string, monitor: MonitorRecord, needs: ReferenceFitNeeds, referencePath: () => string,
): Promise<ReferenceFit> {
  const { store, engine, withRoom } = deps;
  const key = fitKey(monitor, needs);
  if (monitor.referenceFit?.key === key) {
    const bytes = await store.getBlob(workspaceId, monitor.referenceFit.blob);
    const kept = bytes ? parseReferenceFit(bytes) : null;
    if (kept?.key === key) return kept;
  }
  const dir = join(engine.dir, `fit-${randomUUID()}`);
  mkdirSync(dir, { mode: 0o700 });
  let fit: ReferenceFit;
  try {
    fit = await engine.run(workspaceId, (reader) => fitReference(reader, referencePath(), { key, mapping: monitor.mapping, chunking: monitor.chunking ?? { kind: 'default' }, needs, dir }));
  } catch (err) {
    if (err instanceof DatasetError) throw new ReferenceUnreadable(err.message);
    throw err;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const blob = await putJson(store, workspaceId, fit);
  await withRoom(workspaceId, async (room) => {
    setReferenceFit(room.doc, monitor.id, { key, blob });
    await room.flushed();
  });
  return fit;
}
