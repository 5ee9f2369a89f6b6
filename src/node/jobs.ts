/**
 * Long work (hashing, profiling, drift) runs in a child process of the `driftdesk` CLI, so
 * neither the UI nor the host's event loop waits on it. The child reports progress as JSON
 * lines on stderr and its result as JSON on stdout; the UI polls `jobs.get`. Work done in the
 * host itself (uploading or downloading a file) reports its progress through the same job.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { JobState } from '../shared/host-contract.ts';

export interface CliRunner {
  /** The Node executable (in Electron: the Electron binary run as Node). */
  node: string;
  cli: string;
  env?: NodeJS.ProcessEnv;
}

/** Where a job is: `done` of `total` units of `phase` (bytes, columns). */
export interface JobProgress {
  phase: string;
  done: number;
  total: number;
}
export type ReportProgress = (progress: JobProgress) => void;

export class JobRunner {
  private jobs = new Map<string, JobState>();

  constructor(private readonly runner: CliRunner) {}

  /** Starts `driftdesk ...args`; `finish` turns its parsed stdout into the job's result (and may report more progress). */
  start(label: string, args: string[], finish: (output: unknown, report: ReportProgress) => Promise<unknown>): string {
    return this.run(label, async (report) => finish(await this.runCli(args, report), report));
  }

  /** Starts `work` as a job: what it reports is the job's progress, what it returns the result, what it throws the failure. */
  run(label: string, work: (report: ReportProgress) => Promise<unknown>): string {
    const id = randomUUID();
    this.jobs.set(id, { kind: 'running', label, phase: 'starting', done: 0, total: 1 });
    const report: ReportProgress = (p) => {
      if (this.jobs.get(id)?.kind === 'running') this.jobs.set(id, { kind: 'running', label, ...p });
    };
    Promise.resolve()
      .then(() => work(report))
      .then((result) => this.jobs.set(id, { kind: 'done', label, result }))
      .catch((err: Error) => this.jobs.set(id, { kind: 'failed', label, message: err.message }));
    return id;
  }

  /** Runs `driftdesk ...args` to its end: its parsed stdout, or an Error with the last line it printed on stderr. */
  runCli(args: string[], report: ReportProgress): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const child = spawn(this.runner.node, [this.runner.cli, ...args], { env: { ...process.env, ...this.runner.env }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      let partial = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => {
        partial += d.toString();
        const lines = partial.split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) {
          try {
            const { progress } = JSON.parse(line) as { progress?: JobProgress };
            if (progress) report(progress);
            continue;
          } catch {
            stderr += `${line}\n`;
          }
        }
      });
      child.on('error', (err) => reject(new Error(`could not start the worker: ${err.message}`)));
      child.on('close', (code) => {
        stderr += partial;
        if (code !== 0) {
          reject(new Error(stderr.trim().split('\n').pop()?.replace(/^driftdesk: /, '') || `worker exited with ${code}`));
          return;
        }
        try {
          resolve(JSON.parse(stdout));
        } catch (err) {
          reject(new Error(`the worker's answer is not JSON: ${(err as Error).message}`));
        }
      });
    });
  }

  get(id: string): JobState {
    const job = this.jobs.get(id);
    if (!job) throw new Error(`no job ${id}`);
    return job;
  }
}
