/**
 * Long work (hashing, profiling, drift) runs in a child process of the `driftdesk` CLI, so
 * neither the UI nor the host's event loop waits on it. The child reports progress as JSON
 * lines on stderr and its result as JSON on stdout; the UI polls `jobs.get`.
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

export class JobRunner {
  private jobs = new Map<string, JobState>();

  constructor(private readonly runner: CliRunner) {}

  /** Starts `driftdesk ...args`; `finish` turns its parsed stdout into the job's result. */
  start(label: string, args: string[], finish: (output: unknown) => Promise<unknown>): string {
    const id = randomUUID();
    this.jobs.set(id, { kind: 'running', label, phase: 'starting', done: 0, total: 1 });
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
          const { progress } = JSON.parse(line) as { progress?: { phase: string; done: number; total: number } };
          if (progress) this.jobs.set(id, { kind: 'running', label, ...progress });
          continue;
        } catch {
          stderr += `${line}\n`;
        }
      }
    });
    child.on('error', (err) => this.jobs.set(id, { kind: 'failed', label, message: `could not start the worker: ${err.message}` }));
    child.on('close', (code) => {
      stderr += partial;
      if (code !== 0) {
        const message = stderr.trim().split('\n').pop()?.replace(/^driftdesk: /, '') || `worker exited with ${code}`;
        this.jobs.set(id, { kind: 'failed', label, message });
        return;
      }
      Promise.resolve()
        .then(() => finish(JSON.parse(stdout)))
        .then((result) => this.jobs.set(id, { kind: 'done', label, result }))
        .catch((err: Error) => this.jobs.set(id, { kind: 'failed', label, message: err.message }));
    });
    return id;
  }

  get(id: string): JobState {
    const job = this.jobs.get(id);
    if (!job) throw new Error(`no job ${id}`);
    return job;
  }
}
