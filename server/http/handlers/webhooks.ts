/**
 * Outgoing webhooks: add (owners; the signing secret is in the answer, once), list (owners,
 * editors; no secrets), remove (owners), the delivery log, and "Request retrain" (owners,
 * editors): calls the workspace's retrain webhooks with the monitor, model and data versions,
 * and records the outcome on the incident's timeline. Who may call what is in server-api.ts.
 */
import { randomUUID } from 'node:crypto';
import { getMonitor } from '../../../src/core/monitor/index.ts';
import { getIncident } from '../../../src/core/workspace/index.ts';
import type { DeliveryInfo } from '../../../src/shared/server-api.ts';
import { privateTargetReason } from '../../webhook-address.ts';
import { fail, type ServerHandlers } from '../answer.ts';
import type { HandlerDeps } from './deps.ts';

export const webhookHandlers = ({ store, withRoom, webhooks, allowPrivateWebhooks, timeline }: HandlerDeps) =>
  ({
    'webhooks.list': async ({ params }) => ({ json: { webhooks: await store.listWebhooks(params.workspaceId!) } }),
    'webhooks.create': async ({ params, body }) => {
      // Said now rather than at the first delivery; each delivery checks again (webhook-address.ts).
      const refused = allowPrivateWebhooks ? null : await privateTargetReason(body.url);
      if (refused) return fail(400, `url: ${refused}`, 'private_address');
      return { status: 201, json: await store.createWebhook(params.workspaceId!, body.url, body.purpose, Date.now()) };
    },
    'webhooks.delete': async ({ params }) =>
      (await store.deleteWebhook(params.workspaceId!, params.webhookId!)) ? { json: { deleted: params.webhookId! } } : fail(404, `no webhook ${params.webhookId}`, 'not_found'),
    'webhooks.deliveries': async ({ params }) => ({ json: { deliveries: await store.listDeliveries(params.workspaceId!, 100) } }),
    'incidents.retrain': async ({ params, identity }) => {
      const workspaceId = params.workspaceId!;
      const incidentId = params.incidentId!;
      const found = await withRoom(workspaceId, async (room) => {
        const incident = getIncident(room.doc, incidentId);
        return incident ? { incident, monitor: incident.monitorId ? getMonitor(room.doc, incident.monitorId) : undefined } : null;
      });
      if (!found) return fail(404, `no incident ${incidentId}`, 'not_found');
      const targets = await store.webhookTargets(workspaceId, 'retrain');
      if (targets.length === 0) return fail(409, 'no retrain webhook is configured for this workspace; an owner can add one under Settings → Webhooks', 'no_retrain_webhook');
      const { incident, monitor } = found;
      // The timeline shows the request's final outcome: its first event says how the first
      // attempts went, and each retry appends a follow-up (`follows`: that event) which the
      // timeline folds into it (listIncidentEvents). Appended, not edited in place: timelines
      // are append-only audit trails, for the server too, and an append never conflicts with
      // what people write meanwhile.
      const ctx = { actor: { id: identity.memberId, name: identity.name }, now: () => Date.now(), newId: () => randomUUID() };
      let firstEvent: (id: string | null) => void = () => {};
      const firstEventId = new Promise<string | null>((resolve) => (firstEvent = resolve));
      let written = '';
      let writing: Promise<void> = Promise.resolve();
      // Into the incident's conversation doc once the workspace's timelines are split (incident-timeline.ts).
      const record = async (outcome: RetrainOutcome, follows: string | undefined) =>
        (await timeline.event(workspaceId, incident.id, { kind: 'action', action: 'retrain', ...outcome, ...(follows ? { follows } : {}) }, ctx)).id;
      const deliveries = await webhooks.send(workspaceId, 'retrain', {
        event: 'retrain.requested',
        text: `${identity.name} requested a retrain of ${incident.model ?? monitor?.model ?? 'the model'} for incident “${incident.title}”`,
        data: {
          requestedBy: { id: identity.memberId, name: identity.name },
          incident: { id: incident.id, title: incident.title, severity: incident.severity, status: incident.status },
          monitor: monitor ? { id: monitor.id, name: monitor.name } : null,
          model: incident.model ?? monitor?.model ?? null,
          data: { referenceVersionId: incident.referenceVersionId ?? monitor?.referenceVersionId ?? null, currentVersionId: incident.currentVersionId ?? null, reportBlob: incident.reportBlob ?? null },
        },
      }, (all) => {
        // One write at a time, in attempt order; an unchanged outcome is not written again.
        writing = writing.catch(() => {}).then(async () => {
          const id = await firstEventId;
          const outcome = retrainOutcome(all);
          const key = JSON.stringify(outcome);
          if (!id || key === written) return;
          written = key;
          await record(outcome, id);
        });
        return writing;
      });
      const ok = deliveries.some((d) => d.status === 'delivered');
      const first = retrainOutcome(deliveries);
      written = JSON.stringify(first);
      try {
        firstEvent(await record(first, undefined));
      } catch (err) {
        firstEvent(null);
        throw err;
      }
      return { status: ok ? 200 : 502, json: { outcome: ok ? 'ok' : 'failed', deliveries } };
    },
  }) satisfies Pick<ServerHandlers, 'webhooks.list' | 'webhooks.create' | 'webhooks.delete' | 'webhooks.deliveries' | 'incidents.retrain'>;

type RetrainOutcome = { outcome: 'ok' | 'failed' | 'pending'; detail: string };

/**
 * Where a retrain request stands over its deliveries: done once one receiver took it, pending
 * while one is still retried, failed once every one gave up.
 */
export function retrainOutcome(deliveries: DeliveryInfo[]): RetrainOutcome {
  const outcome = deliveries.some((d) => d.status === 'delivered') ? 'ok' : deliveries.some((d) => d.status === 'pending') ? 'pending' : 'failed';
  const attempts = (n: number) => `${n} attempt${n === 1 ? '' : 's'}`;
  const detail = deliveries
    .map((d) =>
      d.status === 'delivered' ? `${d.url}: delivered (${d.lastStatus})${d.attempts > 1 ? ` after ${attempts(d.attempts)}` : ''}`
      : d.status === 'pending' ? `${d.url}: ${d.lastError}; retrying`
      : `${d.url}: ${d.lastError}; gave up after ${attempts(d.attempts)}`)
    .join('; ');
  return { outcome, detail };
}
