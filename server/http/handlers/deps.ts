/** What the API's handlers are given by the server that starts them. */
import type { TimelineWriter } from '../../incident-timeline.ts';
import type { WithRoom } from '../../room.ts';
import type { MonitorEngine } from '../../monitor-engine.ts';
import type { MonitorJobQueue } from '../../monitor-jobs.ts';
import type { Store } from '../../store-contract.ts';
import type { WebhookSender } from '../../webhooks.ts';

export interface HandlerDeps {
  store: Store;
  withRoom: WithRoom;
  engine: MonitorEngine;
  webhooks: WebhookSender;
  allowPrivateWebhooks: boolean;
  /** Largest file a resumable upload may declare (server option `maxUploadBytes`). */
  maxUploadBytes: number;
  /** On PostgreSQL: batches are scored as jobs any server process may work (monitor-jobs.ts). */
  jobs?: () => MonitorJobQueue | null;
  /** The server's writes to incident timelines (findings, retrain outcomes), wherever they live. */
  timeline: TimelineWriter;
}
