/**
 * Monitors over HTTP (member token; bodies checked by the router from server-api.ts):
 * `POST   …/monitors`                       create a monitor from a reference file already in the
 *      blob store (the server profiles it and links or records it as a dataset version);
 * `PATCH  …/monitors/:monitor`              edit rules, mapping, reference, schedule, paused;
 * `DELETE …/monitors/:monitor`              delete (its incidents and history are kept);
 * `GET    …/monitors/:monitor/history`      its batches over time (monitor-batches.ts writes them).
 * Rules and the column mapping are held to the reference's columns: a rule on a column the
 * reference lacks is refused with the column named, not accepted to never fire. A reference whose
 * content is already a dataset version of the workspace (same md5) is linked, never copied.
 * Nothing is written to the workspace unless the whole request is valid.
 */
import { createHash } from 'node:crypto';
import type { ColumnMapping } from '../../../src/core/drift/index.ts';
import { type AlertRule, type MonitorRecord, createMonitor, deleteMonitor, getMonitor, updateMonitor } from '../../../src/core/monitor/index.ts';
import { CommandError, type DatasetVersionRecord, addDatasetVersion, getDatasetVersion, listDatasetVersions } from '../../../src/core/workspace/index.ts';
import { MAX_HEADER_BYTES, MAX_MONITOR_COLUMNS } from '../../../src/data/datasets/batch-columns.ts';
import { DatasetError } from '../../../src/data/datasets/dataset-reader.ts';
import { profileFile } from '../../../src/data/datasets/profile.ts';
import type { MemberIdentity } from '../../../src/shared/server-api.ts';
import { EngineBusy } from '../../monitor-engine.ts';
import type { Room } from '../../room.ts';
import { type ErrorAnswer, type ServerHandlers, fail } from '../answer.ts';
import type { HandlerDeps } from './deps.ts';
import { monitorBatchHandlers } from './monitor-batches.ts';
import { MAX_REFERENCE_HEADER_BYTES, ReferenceUnreadable, busy, checkMonitorColumns, columnsOf, commandContext } from './monitor-shared.ts';

export { notify } from './monitor-shared.ts';

interface ReferenceInput {
  sha256: string;
  fileName: string;
  format: 'csv' | 'tsv' | 'parquet' | 'json' | 'jsonl';
  versionId?: string;
}

/** A reference read and profiled: its columns, and what a dataset version of it records. */
interface ReadReference {
  names: string[];
  version: { md5: string; size: number; rows: number; columns: number; profileBlob: string };
}

export const monitorHandlers = (deps: HandlerDeps) => {
  const { store, withRoom, engine } = deps;

  /** Reads and profiles an uploaded reference; an answer when it cannot be a reference. */
  async function readReference(workspaceId: string, reference: ReferenceInput, path: string): Promise<ReadReference | ErrorAnswer> {
    const data = await store.getBlob(workspaceId, reference.sha256);
    if (!data) return fail(400, `${path}.sha256: no blob ${reference.sha256} in this workspace; upload it first with PUT /api/v1/workspaces/${workspaceId}/blobs/${reference.sha256}`);
    const files = engine.files();
    try {
      let file: string | null = null;
      const write = () => (file ??= files.write(data, reference.format, 'reference'));
      // Every batch is held to the reference's columns, so the reference is held to the limits first.
      const read = await columnsOf(engine, data, reference.format, write, MAX_HEADER_BYTES);
      if (read.kind === 'refused') return fail(read.status, `the reference could not be read: ${read.message}`, read.code);
      if (read.names.length > MAX_MONITOR_COLUMNS) {
        return fail(413, `the reference has ${read.names.length} columns; a monitor takes at most ${MAX_MONITOR_COLUMNS}`, 'too_many_columns');
      }
      const profile = await engine.run(workspaceId, (reader) => profileFile(reader, write()));
      const profileBytes = new TextEncoder().encode(JSON.stringify({ ...profile, path: reference.fileName }));
      const profileBlob = createHash('sha256').update(profileBytes).digest('hex');
      await store.putBlob(workspaceId, profileBlob, profileBytes);
      return { names: read.names, version: { md5: profile.md5, size: profile.size, rows: profile.rows, columns: profile.columns.length, profileBlob } };
    } catch (err) {
      if (err instanceof EngineBusy) return busy(err);
      if (err instanceof DatasetError) return fail(400, `the reference could not be read: ${files.hidePaths(err.message, reference.fileName)}`);
      throw err;
    } finally {
      files.remove();
    }
  }

  /** The columns of a monitor's current reference (computed once per workspace and hash). */
  async function currentColumns(workspaceId: string, monitor: MonitorRecord): Promise<string[] | ErrorAnswer> {
    const data = await store.getBlob(workspaceId, monitor.referenceBlob);
    if (!data) return fail(409, `the monitor's reference data (blob ${monitor.referenceBlob}) is missing from this workspace's blob store`, 'reference_missing');
    const files = engine.files();
    try {
      let file: string | null = null;
      return await engine.referenceColumns(workspaceId, monitor.referenceBlob, monitor.referenceFormat, async () => {
        const read = await columnsOf(engine, data, monitor.referenceFormat, () => (file ??= files.write(data, monitor.referenceFormat, 'reference')), MAX_REFERENCE_HEADER_BYTES);
        if (read.kind === 'refused') throw new ReferenceUnreadable(read.message);
        return read.names;
      });
    } catch (err) {
      if (err instanceof ReferenceUnreadable) return fail(409, `the monitor's reference data cannot be read: ${files.hidePaths(err.message)}`, 'reference_unreadable');
      throw err;
    } finally {
      files.remove();
    }
  }

  /**
   * The dataset version a reference is: the one named (its content must be the file's), else any
   * version of the workspace with the same md5, else a new one — never a second copy.
   */
  function versionFor(room: Room, reference: ReferenceInput, read: ReadReference, dataset: string, identity: MemberIdentity, path: string): DatasetVersionRecord {
    if (reference.versionId) {
      const named = getDatasetVersion(room.doc, reference.versionId);
      if (named?.md5 !== read.version.md5) {
        throw new CommandError('createMonitor', [{
          path: `${path}.versionId`,
          message: named ? `dataset version ${named.id} (${named.fileName}) has other content than the uploaded file` : `no dataset version ${reference.versionId}`,
        }]);
      }
      return named;
    }
    const same = listDatasetVersions(room.doc).find((v) => v.md5 === read.version.md5);
    return same ?? addDatasetVersion(room.doc, { dataset, fileName: reference.fileName, format: reference.format, ...read.version }, commandContext(identity));
  }

  return {
    ...monitorBatchHandlers(deps),
    'monitors.create': async ({ params, identity, body: input }) => {
      const workspaceId = params.workspaceId!;
      const ctx = commandContext(identity);
      const read = await readReference(workspaceId, input.reference, 'reference');
      if ('error' in read) return read;
      const refused = checkMonitorColumns(read.names, input.rules, input.mapping, '', input.chunking);
      if (refused) return refused;
      try {
        const created = await withRoom(workspaceId, async (room) => {
          let result!: { monitorId: string; referenceVersionId: string };
          // One transaction: a refused monitor leaves no stray dataset version behind.
          room.doc.transact(() => {
            const version = versionFor(room, input.reference, read, input.model || input.name, identity, 'reference');
            const monitor = createMonitor(room.doc, {
              name: input.name, model: input.model, referenceVersionId: version.id, referenceBlob: input.reference.sha256,
              referenceFormat: input.reference.format, rules: input.rules, expectBatchEveryMs: input.expectBatchEveryMs,
              mapping: input.mapping, calibration: input.calibration, chunking: input.chunking,
            }, ctx);
            result = { monitorId: monitor.id, referenceVersionId: version.id };
          });
          await room.flushed();
          return result;
        });
        await store.markMonitored(workspaceId);
        return { status: 201, json: created };
      } catch (err) {
        if (err instanceof CommandError) return fail(400, err.message, 'bad_monitor');
        throw err;
      }
    },
    'monitors.update': async ({ params, identity, body }) => {
      const workspaceId = params.workspaceId!;
      const monitor = await withRoom(workspaceId, async (room) => getMonitor(room.doc, params.monitorId!));
      if (!monitor) return fail(404, `no monitor ${params.monitorId} in workspace ${workspaceId}`, 'not_found');
      let read: ReadReference | undefined;
      let columns: string[];
      if (body.reference) {
        const r = await readReference(workspaceId, body.reference, 'reference');
        if ('error' in r) return r;
        read = r;
        columns = r.names;
      } else {
        const c = await currentColumns(workspaceId, monitor);
        if (!Array.isArray(c)) return c;
        columns = c;
      }
      const rules: AlertRule[] = body.rules ?? monitor.rules;
      const mapping: ColumnMapping | undefined = body.mapping === null ? undefined : body.mapping ?? monitor.mapping;
      // What the edit keeps is held to a new reference too: a rule the new file cannot serve is named.
      const chunking = body.chunking === null ? undefined : body.chunking ?? monitor.chunking;
      const refused = checkMonitorColumns(columns, rules, mapping, '', chunking);
      if (refused) return refused;
      try {
        const updated = await withRoom(workspaceId, async (room) => {
          let result!: MonitorRecord;
          room.doc.transact(() => {
            const version = body.reference && read ? versionFor(room, body.reference, read, monitor.model || monitor.name, identity, 'reference') : undefined;
            result = updateMonitor(room.doc, {
              monitorId: monitor.id, name: body.name, model: body.model, rules: body.rules, mapping: body.mapping, paused: body.paused,
              calibration: body.calibration, chunking: body.chunking, expectBatchEveryMs: body.expectBatchEveryMs,
              reference: version && body.reference ? { versionId: version.id, blob: body.reference.sha256, format: body.reference.format } : undefined,
            }, commandContext(identity));
          });
          await room.flushed();
          return result;
        });
        return { json: { monitorId: updated.id, referenceVersionId: updated.referenceVersionId, paused: updated.paused ?? false } };
      } catch (err) {
        if (err instanceof CommandError) return fail(400, err.message, 'bad_monitor');
        throw err;
      }
    },
    'monitors.delete': async ({ params, identity }) => {
      const workspaceId = params.workspaceId!;
      const deleted = await withRoom(workspaceId, async (room) => {
        if (!getMonitor(room.doc, params.monitorId!)) return null;
        const record = deleteMonitor(room.doc, params.monitorId!, commandContext(identity));
        await room.flushed();
        return record;
      });
      if (!deleted) return fail(404, `no monitor ${params.monitorId} in workspace ${workspaceId}`, 'not_found');
      return { json: { deleted: deleted.id } };
    },
    'monitors.history': async ({ params, query }) => {
      const workspaceId = params.workspaceId!;
      // A deleted monitor's history stays readable.
      const monitor = await withRoom(workspaceId, async (room) => getMonitor(room.doc, params.monitorId!, { deleted: true }));
      if (!monitor) return fail(404, `no monitor ${params.monitorId} in workspace ${workspaceId}`, 'not_found');
      if (query.from !== undefined && query.to !== undefined && query.from > query.to) return fail(400, `query.from (${query.from}) is after query.to (${query.to})`, 'bad_query');
      return { jsonText: await store.listMonitorBatchesJson(workspaceId, monitor.id, query) };
    },
  } satisfies Pick<ServerHandlers, 'monitors.create' | 'monitors.update' | 'monitors.delete' | 'monitors.history' | 'monitors.batch' | 'monitors.metrics' | 'monitors.labels'>;
};
