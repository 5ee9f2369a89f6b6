/**
 * The `batchMissing` rules: every `everyMs` the server looks at each workspace that has monitors
 * and judges, per monitor, the time since its last batch (or since it was created). A late
 * monitor opens one incident; it is added to again only when lateness goes from warning to
 * critical, not on every check.
 */
import { latestFindingBand, listMonitors, evaluateMissing, openIncidentFor, recordFindings, type RuleOutcome } from '../src/core/monitor/index.ts';
import type { TimelineWriter } from './incident-timeline.ts';
import type { WithRoom } from './room.ts';
import type { Store } from './store-contract.ts';

export interface MissingBatchWatch {
  /** Runs one check now (tests; the timer calls it too). */
  check(): Promise<number>;
  stop(): void;
}

/** Returns after the first timer is set; each check reports the findings it recorded. */
export function watchMissingBatches(deps: {
  store: Store;
  withRoom: WithRoom;
  /** Where findings go once the workspace's timelines are in conversation docs. */
  timeline: TimelineWriter;
  everyMs: number;
  onFindings?: (workspaceId: string, monitorId: string, outcomes: RuleOutcome[], applied: ReturnType<typeof recordFindings>) => void;
  log?: (event: Record<string, unknown>) => void;
}): MissingBatchWatch {
  let running: Promise<number> | null = null;
  const system = { id: 'driftdesk', name: 'Driftdesk monitor' };
  const check = (): Promise<number> => {
    running ??= (async () => {
      let recorded = 0;
      // The store can be away (PostgreSQL restarting): this pass finds nothing, the next tries again.
      let workspaces: string[];
      try {
        workspaces = await deps.store.monitoredWorkspaces();
      } catch (err) {
        deps.log?.({ event: 'missing_batch_check_failed', error: String(err) });
        return 0;
      }
      for (const workspaceId of workspaces) {
        const written: ReturnType<typeof recordFindings>['timeline'] = [];
        recorded += await deps.withRoom(workspaceId, async (room) => {
          let count = 0;
          const now = Date.now();
          for (const monitor of listMonitors(room.doc)) {
            // A paused monitor expects nothing.
            if (monitor.paused) continue;
            const late = evaluateMissing(monitor.rules, monitor.lastBatchAt ?? monitor.createdAt, now).filter((o) => {
              if (o.band === 'ok') return false;
              const rule = monitor.rules.find((r) => r.id === o.ruleId)!;
              const open = openIncidentFor(room.doc, monitor.id, rule);
              const said = open && latestFindingBand(room.doc, open, rule.id);
              // Already reported at this level (or worse) on the open incident: nothing new to say.
              return !said || (o.band === 'critical' && said !== 'critical');
            });
            if (late.length === 0) continue;
            const ctx = { actor: system, now: () => now, newId: () => crypto.randomUUID() };
            const applied = recordFindings(room.doc, monitor, late, {}, ctx);
            written.push(...applied.timeline);
            deps.onFindings?.(workspaceId, monitor.id, late, applied);
            count += late.length;
          }
          if (count > 0) await room.flushed();
          return count;
        }).then(async (count) => {
          // Split timelines: the findings go into the incidents' conversation docs.
          if (written.length > 0) await deps.timeline.append(workspaceId, written);
          return count;
        }).catch((err: unknown) => {
          deps.log?.({ event: 'missing_batch_check_failed', workspace: workspaceId, error: String(err) });
          return 0;
        });
      }
      return recorded;
    })().finally(() => (running = null));
    return running;
  };
  const timer = setInterval(() => {
    check().catch((err: unknown) => deps.log?.({ event: 'missing_batch_check_failed', error: String(err) }));
  }, deps.everyMs);
  timer.unref();
  return { check, stop: () => clearInterval(timer) };
}
