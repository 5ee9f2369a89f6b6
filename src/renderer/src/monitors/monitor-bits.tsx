/** Small pieces the monitor pages share: a band badge, the last-batch line, a copy button, a ticking clock. */
import { useEffect, useReducer, useState } from 'react';
import { type Band, type MonitorRecord, batchTiming } from '../../../core/monitor';
import { TimeAgo } from '../components/badges';
import { formatDuration } from './rule-text';

/**
 * The time of this render, with a render at least every `everyMs`, so "late" and "5 min ago" do
 * not go stale on an open page. Read at render rather than kept in state: a batch that lands
 * between ticks must not read as "in 3 seconds".
 */
export function useNow(everyMs = 30_000): number {
  const [, tick] = useReducer((n: number) => n + 1, 0);
  useEffect(() => {
    const timer = setInterval(tick, everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return Date.now();
}

export function BandBadge({ band }: { band: Band | null }) {
  return <span className={`badge band-${band ?? 'none'}`}>{band ?? 'not judged yet'}</span>;
}

/** "no batch yet" / "last batch 5 minutes ago", and "late" once the expected interval has passed. */
export function LastBatch({ monitor, now }: { monitor: MonitorRecord; now: number }) {
  const timing = batchTiming(monitor, now);
  return (
    <span className="last-batch" data-testid="last-batch">
      {timing.lastBatchAt === undefined ? 'no batch yet' : <>last batch <TimeAgo at={timing.lastBatchAt} now={now} /></>}
      {timing.late && <> <span className="badge band-warning">late</span></>}
      {monitor.expectBatchEveryMs !== undefined && <span className="muted"> · expected every {formatDuration(monitor.expectBatchEveryMs)}</span>}
    </span>
  );
}

/** Copies `text`; says whether it worked next to the button (a screen reader hears it too). */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => setState('idle'), [text]);
  const copy = () => {
    // The clipboard exists only in secure contexts; loopback counts, a plain http host does not.
    if (!navigator.clipboard) return setState('failed');
    navigator.clipboard.writeText(text).then(() => setState('copied'), () => setState('failed'));
  };
  return (
    <span className="copy">
      <button type="button" className="secondary" onClick={copy}>{label}</button>
      <span role="status" className="small muted">{state === 'copied' ? 'Copied' : state === 'failed' ? 'Could not copy: select the text and copy it' : ''}</span>
    </span>
  );
}
