/** How a monitor's rules and timings read on screen. */
import type { AlertRule } from '../../../core/monitor';

/** "1 h", "90 min", "2 d": the unit a person would say. */
export function formatDuration(ms: number): string {
  const hours = ms / 3_600_000;
  if (hours >= 48 && Number.isInteger(hours / 24)) return `${hours / 24} d`;
  if (hours >= 1) return `${Number(hours.toFixed(2))} h`;
  return `${Math.max(1, Math.round(ms / 60_000))} min`;
}

/** What the rule watches, and its bounds ("warning ≥ 0.3 · critical ≥ 0.5"). */
export function describeRule(rule: AlertRule): { title: string; bounds: string } {
  const bounds = (warning: string | undefined, critical: string) => (warning ? `warning ${warning} · critical ${critical}` : `critical ${critical}`);
  switch (rule.kind) {
    case 'driftShare':
      if (rule.bounds === 'reference') return { title: 'Dataset drift share', bounds: "critical above the reference chunks' mean + 3σ" };
      return { title: 'Dataset drift share', bounds: bounds(rule.warning === undefined ? undefined : `≥ ${rule.warning}`, `≥ ${rule.critical!}`) };
    case 'multivariate':
      return { title: 'Multivariate drift (reconstruction error)', bounds: "critical outside the reference chunks' mean ± 3σ" };
    case 'columnDrift':
      return {
        title: `Drift in ${rule.column}`,
        bounds: rule.critical === undefined && rule.warning === undefined
          ? "critical past the column test's own threshold"
          : bounds(rule.warning === undefined ? undefined : `past ${rule.warning}`, rule.critical === undefined ? "past the test's threshold" : `past ${rule.critical}`),
      };
    case 'metric': {
      if (rule.bounds === 'reference') {
        const side = rule.direction === 'below' ? 'below' : rule.direction === 'above' ? 'above' : 'outside';
        const title = rule.direction === 'below' ? `${rule.metric} too low` : rule.direction === 'above' ? `${rule.metric} too high` : `${rule.metric} out of its usual range`;
        return { title, bounds: `critical ${side} the reference's mean ± 3σ` };
      }
      const op = rule.direction === 'below' ? '<' : '>';
      return { title: `${rule.metric} ${rule.direction === 'below' ? 'too low' : 'too high'}`, bounds: bounds(rule.warning === undefined ? undefined : `${op} ${rule.warning}`, `${op} ${rule.critical}`) };
    }
    case 'batchMissing':
      return {
        title: 'Batch missing',
        bounds: bounds(rule.warningAfterMs === undefined ? undefined : `after ${formatDuration(rule.warningAfterMs)}`, `after ${formatDuration(rule.criticalAfterMs)}`),
      };
  }
}
