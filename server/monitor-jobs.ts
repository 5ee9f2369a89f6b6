/**
 * Batch scoring as jobs on a PostgreSQL-backed queue (pg-boss 10, the last major that runs on
 * Node 20), for a server that runs on PostgreSQL: every server process on the database works the
 * same queue, so a burst of batches is shared out, and a job whose worker dies (the process
 * killed mid-batch) expires and is retried by whichever process is alive. The request that sent
 * the batch waits for its job's answer (the job's output) and answers with it.
 *
 * On SQLite there is one process, and batches are scored in it as before (monitor-engine.ts).
 *
 * What is retried: a job that throws (the server's own failure) or expires (default after
 * DEFAULT_JOB_EXPIRE_SECONDS). A batch the server refuses (400, 409, …) is an answer, not a
 * failure: its job completes with that answer. A batch is recorded once: a worker whose job
 * expired under it (slow, not dead) checks before recording and leaves it to the retry.
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

/** A lost job is taken up again after its expiry; a few minutes, so a killed worker's batch is not kept waiting. */
export const DEFAULT_JOB_EXPIRE_SECONDS = 180;

export interface MonitorJobOptions {
  /**
   * A running job not done after this long is taken as lost (its worker killed) and retried
   * (seconds); default DEFAULT_JOB_EXPIRE_SECONDS. A batch that takes longer is scored again by
   * the retry, and the first worker's result is dropped, so keep it above the longest batch.
   */
  expireInSeconds?: number;
  /** Tries after the first; default 2. */
  retryLimit?: number;
  /** How often a waiting request and an idle worker look at the queue (seconds); default 0.5. */
  pollSeconds?: number;
  log?: (event: Record<string, unknown>) => void;
}

/** What a job's work is told besides its data. */
export interface JobControl {
  /**
   * Whether the job is still this worker's: false once it expired and was handed to a retry.
   * Asked just before the batch is recorded, so an expired worker does not record it twice.
   */
  stillOurs: () => Promise<boolean>;
}

type Settings = Required<Omit<MonitorJobOptions, 'log'>>;

export class MonitorJobQueue {
  private stopping = false;
  private readonly worker: Promise<void>;

  private constructor(
    private readonly boss: PgBoss,
    private readonly options: Settings,
    run: (job: BatchJob, control: JobControl) => Promise<object>,
    private readonly log: (event: Record<string, unknown>) => void,
  ) {
    this.worker = this.workLoop(run);
  }

  /**
   * Starts pg-boss on `url` (its own schema, created on first start) and works the batch queue
   * with `run`; `run`'s value is the job's output (the HTTP answer).
   */
  static async start(url: string, run: (job: BatchJob, control: JobControl) => Promise<object>, options: MonitorJobOptions = {}): Promise<MonitorJobQueue> {
    const expireInSeconds = Math.max(1, Math.round(options.expireInSeconds ?? DEFAULT_JOB_EXPIRE_SECONDS));
    // pg-boss polls at most every 0.5 s.
    const settings: Settings = { expireInSeconds, retryLimit: options.retryLimit ?? 2, pollSeconds: Math.max(0.5, options.pollSeconds ?? 0.5) };
    const log = options.log ?? (() => {});
    // Expired jobs are found by pg-boss's maintenance (every 120 s by default): run it often
    // enough that a lost job waits about its expiry, not two minutes more.
    const maintenanceIntervalSeconds = Math.min(60, Math.max(1, Math.floor(expireInSeconds / 3)));
    const boss = new PgBoss({ connectionString: url, schema: 'driftdesk_jobs', max: 4, application_name: 'driftdesk-monitor-jobs', maintenanceIntervalSeconds });
    // pg-boss reports a lost connection as an 'error' event: logged, never the end of the process.
    boss.on('error', (err) => log({ event: 'monitor_jobs_error', error: String(err) }));
    await boss.start();
    try {
      const queue = { name: BATCH_QUEUE, retryLimit: settings.retryLimit, expireInSeconds: settings.expireInSeconds, retryDelay: 1 };
      await boss.createQueue(BATCH_QUEUE, queue);
      // createQueue leaves an existing queue as it was: a changed expiry or retry limit applies from now on.
      await boss.updateQueue(BATCH_QUEUE, queue);
    } catch (err) {
      await boss.stop({ graceful: false, wait: true }).catch(() => {});
      throw err;
    }
    return new MonitorJobQueue(boss, settings, run, log);
  }

  /**
   * One job at a time per process (the engine scores one batch at a time anyway, monitor-engine.ts).
   * Fetched and completed here rather than by pg-boss's `work`: a worker whose job expired must
   * neither complete nor fail it, since pg-boss retries it under the same id and either would
   * land on the retry.
   */
  private async workLoop(run: (job: BatchJob, control: JobControl) => Promise<object>): Promise<void> {
    while (!this.stopping) {
      let job: PgBoss.JobWithMetadata<BatchJob> | undefined;
      try {
        [job] = await this.boss.fetch<BatchJob>(BATCH_QUEUE, { batchSize: 1, includeMetadata: true });
      } catch (err) {
        if (!this.stopping) this.log({ event: 'monitor_jobs_error', error: String(err) });
      }
      if (!job) {
        await new Promise((resolve) => setTimeout(resolve, this.options.pollSeconds * 1000));
        continue;
      }
      await this.workOne(job, run);
    }
  }

  private async workOne(job: PgBoss.JobWithMetadata<BatchJob>, run: (job: BatchJob, control: JobControl) => Promise<object>): Promise<void> {
    const stillOurs = async () => {
      const now = await this.boss.getJobById<BatchJob>(BATCH_QUEUE, job.id);
      return now?.state === 'active' && now.retryCount === job.retryCount && new Date(now.startedOn).getTime() === new Date(job.startedOn).getTime();
    };
    const where = { job: job.id, workspace: job.data.workspaceId, monitor: job.data.monitorId };
    try {
      let outcome: { ok: true; output: object } | { ok: false; error: unknown };
      try {
        outcome = { ok: true, output: await run(job.data, { stillOurs }) };
      } catch (error) {
        outcome = { ok: false, error };
      }
      if (!(await stillOurs())) {
        this.log({ event: 'monitor_batch_job_expired', ...where, tries: job.retryCount + 1 });
        return;
      }
      if (outcome.ok) {
        await this.boss.complete(BATCH_QUEUE, job.id, outcome.output);
        this.log({ event: 'monitor_batch_job_done', ...where });
      } else {
        await this.boss.fail(BATCH_QUEUE, job.id, { message: String(outcome.error).slice(0, 2000) });
        this.log({ event: 'monitor_batch_job_failed', ...where, error: String(outcome.error) });
      }
    } catch (err) {
      // The database went away mid-job: the job expires and is retried where the database is reachable.
      this.log({ event: 'monitor_jobs_error', ...where, error: String(err) });
    }
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

  /** Lets the job in hand finish (up to 10 s; past that it expires and is retried elsewhere), then stops. */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.race([this.worker, new Promise((resolve) => setTimeout(resolve, 10_000).unref())]);
    await this.boss.stop({ graceful: true, timeout: 10_000 });
  }
}
