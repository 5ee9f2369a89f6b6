import { useEffect, useState } from 'react';
import type { HostApi, JobState } from '../../../shared/host-contract';

/**
 * Polls a host job and shows its progress; calls `onDone` with the result or `onFailed` with
 * the message once, when it ends.
 */
export function JobProgress({ host, jobId, onDone, onFailed }: {
  host: HostApi;
  jobId: string;
  onDone: (result: unknown) => void;
  onFailed: (message: string) => void;
}) {
  const [job, setJob] = useState<JobState | null>(null);
  useEffect(() => {
    let stopped = false;
    const tick = async () => {
      try {
        const state = await host.call('jobs.get', { jobId });
        if (stopped) return;
        setJob(state);
        if (state.kind === 'done') return onDone(state.result);
        if (state.kind === 'failed') return onFailed(state.message);
      } catch (err) {
        if (!stopped) onFailed((err as Error).message);
        return;
      }
      timer = setTimeout(tick, 150);
    };
    let timer = setTimeout(tick, 0);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
    // The callbacks are the caller's; a new identity must not restart the job's polling.
  }, [host, jobId]);

  if (!job || job.kind !== 'running') return <p className="muted small" role="status">Starting…</p>;
  const share = job.total > 0 ? Math.min(1, job.done / job.total) : 0;
  return (
    <div className="job" role="status" aria-live="polite">
      <span className="small">{job.label}: {job.phase}</span>
      <progress max={1} value={share} aria-label={`${job.label}: ${job.phase}`} />
    </div>
  );
}
