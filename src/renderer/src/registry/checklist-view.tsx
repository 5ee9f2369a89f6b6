/**
 * A handoff checklist: automatic items with pass/fail and what was seen (as text, so a screen
 * reader says "passed" and not a colour), manual items as checkboxes for the people allowed to
 * tick them, and for everyone else as ticked/not ticked with who ticked it.
 */
import type { HandoffChecklistItem } from '../../../core/workspace';

export function ChecklistView({ items, checks, canTick, tickBlocker, onTick, label }: {
  items: HandoffChecklistItem[];
  /** Manual items ticked now, with who ticked them; absent in a preview. */
  checks?: Map<string, { byName: string }>;
  canTick?: boolean;
  /** Why ticking is closed, shown under the list. */
  tickBlocker?: string | null;
  onTick?: (itemId: string, checked: boolean) => void;
  label: string;
}) {
  const auto = items.filter((i) => i.kind === 'automatic');
  const manual = items.filter((i) => i.kind === 'manual');
  return (
    <div className="checklist">
      <ul aria-label={`${label}: automatic checks`} className="plain">
        {auto.map((item) => (
          <li key={item.id} className={item.passed ? 'check-pass' : 'check-fail'}>
            <span className="check-mark" aria-hidden="true">{item.passed ? '✓' : '✗'}</span>
            <span><strong>{item.label}</strong> — <span className="check-verdict">{item.passed ? 'passed' : 'failed'}</span>{item.detail ? <span className="muted">: {item.detail}</span> : null}</span>
          </li>
        ))}
      </ul>
      <ul aria-label={`${label}: manual checks`} className="plain">
        {manual.map((item) => {
          const tick = checks?.get(item.id);
          if (!checks) return <li key={item.id}><span className="check-mark" aria-hidden="true">☐</span> {item.label} <span className="muted small">(ticked by the reviewer)</span></li>;
          return (
            <li key={item.id}>
              {canTick ? (
                <label className="inline">
                  <input type="checkbox" checked={tick !== undefined} onChange={(e) => onTick?.(item.id, e.target.checked)} /> {item.label}
                </label>
              ) : (
                <span><span className="check-mark" aria-hidden="true">{tick ? '☑' : '☐'}</span> {item.label} <span className="sr-only">{tick ? 'ticked' : 'not ticked'}</span></span>
              )}
              {tick && <span className="muted small"> · ticked by {tick.byName}</span>}
            </li>
          );
        })}
      </ul>
      {checks && !canTick && tickBlocker && <p className="muted small">{tickBlocker.charAt(0).toUpperCase() + tickBlocker.slice(1)}.</p>}
    </div>
  );
}
