/**
 * Batch scoring as jobs on a PostgreSQL-backed queue (pg-boss 10, the last major that runs on
 * Node 20), for a server that runs on PostgreSQL: every server process on the database works the
 * same queue, so a burst of batches is shared out, and a job whose worker dies (the process
 * killed mid-batch) expires and is retried by whichever process is alive. The request that sent
 * the batch waits for its job's answer (the job's output) and answers with it.
 *
 * On SQLite there is one process, and batches are scored in it as before (monitor-engine.ts).
 *
 * What is retried: a job that throws (the server's own failure) or expires. A batch the server
 * refuses (400, 409, …) is an answer, not a failure: its job completes with that answer.
 */
import PgBoss from 'pg-boss';

/** The queue's name in pg-boss. */
export const BATCH_QUEUE = 'driftdesk-monitor-batch';

/** What a batch job carries: where the batch is (a blob of the workspace) and who sent it. */
export interface BatchJob {
  workspaceId: string;
  monitorId: string;
  /** sha256 of the batch body in the workspace's blob store. */
  batchBlob: string;
  contentType: string;
  identity: { workspaceId: string; workspaceName: string; memberId: string; name: string; role: 'owner' | 'editor' | 'commenter' | 'viewer' };
}

export interface MonitorJobOptions {
  /** A running job not done after this long is taken as lost and retried (seconds); default 900. */
  expireInSeconds?: number;
  /** Tries after the first; default 2. */
  retryLimit?: number;
  /** How often a waiting request and an idle worker look at the queue (seconds); default 0.5. */
  pollSeconds?: number;
  log?: (event: Record<string, unknown>) => void;
}

export class MonitorJobQueue {
  private constructor(
    private readonly boss: PgBoss,
    private readonly options: Required<Omit<MonitorJobOptions, 'log'>>,
  ) {}

  /**
   * Starts pg-boss on `url` (its own schema, created on first start) and works the batch queue
   * with `run`; `run`'s value is the job's output (the HTTP answer).
   */
  static async start(url: string, run: (job: BatchJob) => Promise<object>, options: MonitorJobOptions = {}): Promise<MonitorJobQueue> {
    // pg-boss polls at most every 0.5 s.
    const settings = { expireInSeconds: options.expireInSeconds ?? 900, retryLimit: options.retryLimit ?? 2, pollSeconds: Math.max(0.5, options.pollSeconds ?? 0.5) };
    const boss = new PgBoss({ connectionString: url, schema: 'driftdesk_jobs', max: 4, application_name: 'driftdesk-monitor-jobs' });
    // pg-boss reports a lost connection as an 'error' event: logged, never the end of the process.
    boss.on('error', (err) => options.log?.({ event: 'monitor_jobs_error', error: String(err) }));
    await boss.start();
    try {
      await boss.createQueue(BATCH_QUEUE, { name: BATCH_QUEUE, retryLimit: settings.retryLimit, expireInSeconds: settings.expireInSeconds, retryDelay: 1 });
      // One job at a time per process: the engine scores one batch at a time anyway (monitor-engine.ts).
      await boss.work<BatchJob>(BATCH_QUEUE, { batchSize: 1, pollingIntervalSeconds: settings.pollSeconds }, async ([job]) => {
        const output = await run(job!.data);
        options.log?.({ event: 'monitor_batch_job_done', job: job!.id, workspace: job!.data.workspaceId, monitor: job!.data.monitorId });
        return output;
      });
    } catch (err) {
      await boss.stop({ graceful: false, wait: true }).catch(() => {});
      throw err;
    }
    return new MonitorJobQueue(boss, settings);
  }

  /** Queues a batch and waits for its answer (whichever process works it); throws if it fails for good. */
  async submit(job: BatchJob, timeoutMs = 30 * 60_000): Promise<object> {
    const id = await this.boss.send(BATCH_QUEUE, job);
    if (!id) throw new Error('the job queue did not take the batch');
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const state = await this.boss.getJobById<BatchJob>(BATCH_QUEUE, id);
      if (state?.state === 'completed') return state.output;
      if (state?.state === 'failed' || state?.state === 'cancelled') {
        throw new Error(`scoring the batch failed after ${state.retryCount + 1} tries: ${JSON.stringify(state.output ?? null).slice(0, 500)}`);
      }
      if (Date.now() > deadline) throw new Error(`the batch was not scored within ${Math.round(timeoutMs / 1000)} s`);
      await new Promise((resolve) => setTimeout(resolve, this.options.pollSeconds * 1000));
    }
  }

  /** Jobs of the batch queue in each state (for tests and /metrics). */
  async counts(): Promise<{ queued: number; active: number }> {
    return { queued: await this.boss.getQueueSize(BATCH_QUEUE), active: await this.boss.getQueueSize(BATCH_QUEUE, { before: 'completed' }) };
  }

  async stop(): Promise<void> {
    await this.boss.stop({ graceful: true, timeout: 10_000 });
  }
}
