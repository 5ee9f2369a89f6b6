/**
 * `POST …/monitors/:monitor/labels` (`driftdesk push labels FILE`): labels that arrive days or
 * weeks after their batch, as CSV or JSON Lines with the mapping's id and target columns. Each
 * label is joined by id to the stored batches' kept predictions (monitor-batches.ts keeps them
 * when the mapping has an id); a batch that gains labels gets its realized performance recomputed
 * on all labels it has so far (an earlier push's included) and the metric rules judged on it. All
 * findings of one push go on at most one incident of the monitor.
 */
import { realizedPerformance, evaluateMetric, getMonitor, recordFindings, type RuleOutcome } from '../../../src/core/monitor/index.ts';
import { columnMismatch, delimitedColumns, describeMismatch, jsonColumns } from '../../../src/data/datasets/batch-columns.ts';
import { DatasetError } from '../../../src/data/datasets/dataset-reader.ts';
import { readModelOutputs } from '../../../src/data/datasets/model-outputs.ts';
import { EngineBusy } from '../../monitor-engine.ts';
import { type ServerHandlers, fail } from '../answer.ts';
import type { HandlerDeps } from './deps.ts';
import { type KeptPredictions, LISTED, activeMonitor, busy, commandContext, notify, putJson, summarize, worstPerRule } from './monitor-shared.ts';

/** Most labels in one push (a 64 MiB file of short ids holds a few million). */
const MAX_LABELS = 5_000_000;
/** Most stored batches one push is joined to (the newest; older batches' labels are long settled). */
const MAX_JOINED_BATCHES = 10_000;

export const labelHandlers = (deps: HandlerDeps) => {
  const { store, withRoom, engine, webhooks } = deps;
  return {
    'monitors.labels': async ({ params, identity, body, contentType }) => {
      const workspaceId = params.workspaceId!;
      const monitor = await activeMonitor(deps, workspaceId, params.monitorId!);
      if ('error' in monitor) return monitor;
      const idColumn = monitor.mapping?.id;
      const targetColumn = monitor.mapping?.target;
      if (idColumn === undefined || targetColumn === undefined) {
        return fail(409, `monitor ${monitor.name} has no ${idColumn === undefined ? 'id' : 'target'} column in its mapping, so labels cannot be joined to its batches; edit its mapping first`, 'no_label_mapping');
      }
      const format = contentType === 'text/csv' ? 'csv' : 'jsonl';
      // Every line of JSON Lines is read for keys (a label file is small next to a batch).
      const header = format === 'csv' ? delimitedColumns(body, ',') : await jsonColumns(new TextDecoder().decode(body), 'jsonl');
      if (header.kind === 'refused') return fail(header.status, `the labels could not be read: ${header.message}`, header.code);
      const mismatch = columnMismatch([idColumn, targetColumn], header.names.filter((n) => n === idColumn || n === targetColumn));
      if (mismatch?.missing.length) {
        return {
          status: 400, error: `the labels need the columns ${JSON.stringify(idColumn)} (id) and ${JSON.stringify(targetColumn)} (target): ${describeMismatch({ ...mismatch, unexpected: [] })}`,
          code: 'columns_mismatch', details: { missing: mismatch.missing.slice(0, LISTED), unexpected: [], duplicated: [] },
        };
      }
      const files = engine.files();
      let labels: Map<string, string>;
      try {
        labels = await engine.run(workspaceId, async (reader) => {
          const table = await reader.load(files.write(body, format === 'csv' ? 'csv' : 'jsonl'));
          if (table.rows > MAX_LABELS) throw new DatasetError(`${table.rows} labels in one push; send at most ${MAX_LABELS}`);
          const read = await readModelOutputs(reader, table, { id: idColumn, target: targetColumn, ignored: [], columns: {} });
          const out = new Map<string, string>();
          read.ids!.forEach((id, i) => {
            const y = read.target![i];
            // A later row for the same id wins, as a corrected label would.
            if (id !== null && y !== null && y !== undefined) out.set(id, y);
          });
          return out;
        });
      } catch (err) {
        if (err instanceof EngineBusy) return busy(err);
        if (err instanceof DatasetError) return fail(400, `the labels could not be read: ${files.hidePaths(err.message)}`, 'bad_labels');
        throw err;
      } finally {
        files.remove();
      }

      const matched = new Set<string>();
      const changed: { id: number; labelled: number; realized: Record<string, number>; outcomes: RuleOutcome[]; previous: RuleOutcome[]; incidents: Record<string, string> }[] = [];
      let after: string | undefined;
      let seen = 0;
      do {
        const page = await store.listMonitorBatches(workspaceId, monitor.id, { limit: 1000, after, view: 'summary' });
        after = page.next ?? undefined;
        for (const batch of page.batches) {
          if (++seen > MAX_JOINED_BATCHES) break;
          if (!batch.predictionsBlob) continue;
          const blob = await store.getBlob(workspaceId, batch.predictionsBlob);
          if (!blob) continue;
          const kept = JSON.parse(new TextDecoder().decode(blob)) as KeptPredictions;
          const target = kept.target ? [...kept.target] : kept.ids.map(() => null);
          let gained = 0;
          kept.ids.forEach((id, i) => {
            if (id === null) return;
            const y = labels.get(id);
            if (y === undefined) return;
            matched.add(id);
            if (target[i] !== y) {
              target[i] = y;
              gained++;
            }
          });
          if (gained === 0) continue;
          const { metrics: realized, labelled } = realizedPerformance({ target, prediction: kept.prediction, proba: kept.proba });
          const predictionsBlob = await putJson(store, workspaceId, { ...kept, target } satisfies KeptPredictions);
          const outcomes = worstPerRule(Object.entries(realized).flatMap(([name, value]) => evaluateMetric(monitor.rules, { name, value, thresholds: batch.estimated[name]?.thresholds ?? null })));
          await store.updateMonitorBatch(workspaceId, monitor.id, batch.id, { realized, labelled, predictionsBlob });
          changed.push({ id: batch.id, labelled, realized, outcomes, previous: batch.outcomes, incidents: batch.incidents });
        }
      } while (after && seen < MAX_JOINED_BATCHES);

      // One push, one incident at most: the worst outcome per rule over the batches it labelled.
      const outcomes = worstPerRule(changed.flatMap((c) => c.outcomes));
      const applied = await withRoom(workspaceId, async (room) => {
        // Deleted while this was scored: its findings still belong to it (the incident keeps its name).
        const current = getMonitor(room.doc, monitor.id, { deleted: true }) ?? monitor;
        const result = recordFindings(room.doc, current, outcomes, { batchId: changed.find((c) => c.outcomes.some((o) => o.band !== 'ok'))?.id }, commandContext(identity));
        await room.flushed();
        return result;
      });
      if (applied.timeline.length) await deps.timeline.append(workspaceId, applied.timeline);
      for (const c of changed) {
        const judged = new Set(c.outcomes.map((o) => o.ruleId));
        const incidents = Object.fromEntries(Object.entries(applied.incidentOfRule).filter(([rule]) => c.outcomes.some((o) => o.ruleId === rule && o.band !== 'ok')));
        await store.updateMonitorBatch(workspaceId, monitor.id, c.id, { outcomes: [...c.previous.filter((o) => !judged.has(o.ruleId)), ...c.outcomes], incidents: { ...c.incidents, ...incidents } });
      }
      notify(webhooks, workspaceId, monitor, applied, outcomes);
      return {
        json: {
          labels: labels.size, matched: matched.size, unmatched: labels.size - matched.size,
          batches: changed.map(({ id, labelled, realized }) => ({ id, labelled, realized })), outcomes, ...summarize(applied),
        },
      };
    },
  } satisfies Pick<ServerHandlers, 'monitors.labels'>;
};
