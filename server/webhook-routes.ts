/**
 * `POST   /api/v1/workspaces/:id/webhooks`                      add one (owners): {url, purpose}; the
 *                                                               signing secret is in the answer, once
 * `GET    /api/v1/workspaces/:id/webhooks`                      list (owners, editors; no secrets)
 * `DELETE /api/v1/workspaces/:id/webhooks/:webhookId`           remove (owners)
 * `GET    /api/v1/workspaces/:id/webhooks/deliveries`           the delivery log, newest first
 * `POST   /api/v1/workspaces/:id/incidents/:incidentId/retrain` "Request retrain" (owners, editors):
 *         calls the workspace's retrain webhooks with the monitor, model and data versions, and
 *         records the outcome on the incident's timeline.
 */
import { privateTargetReason } from './webhook-address.ts';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { getMonitor } from '../src/core/monitor/index.ts';
import { appendIncidentEvent, getIncident } from '../src/core/workspace/index.ts';
import type { WithRoom } from './room.ts';
import type { DeliveryInfo, MemberIdentity, Store } from './store-contract.ts';
import type { WebhookSender } from './webhooks.ts';

type Reply = (status: number, body: unknown) => void;

const ROUTE = /^\/api\/v1\/workspaces\/([A-Za-z0-9_-]{1,128})\/(?:webhooks(?:\/(deliveries|[A-Za-z0-9_-]{1,128}))?|incidents\/([A-Za-z0-9_-]{1,128})\/retrain)$/;

export interface WebhookRoute {
  workspaceId: string;
  kind: 'webhooks' | 'webhook' | 'deliveries' | 'retrain';
  id?: string;
}

export function matchWebhookRoute(pathname: string): WebhookRoute | null {
  const m = ROUTE.exec(pathname);
  if (!m) return null;
  if (m[3]) return { workspaceId: m[1]!, kind: 'retrain', id: m[3] };
  if (m[2] === 'deliveries') return { workspaceId: m[1]!, kind: 'deliveries' };
  return m[2] ? { workspaceId: m[1]!, kind: 'webhook', id: m[2] } : { workspaceId: m[1]!, kind: 'webhooks' };
}

const createInput = z.object({
  url: z.string().url().refine((u) => /^https?:\/\//.test(u), 'only http(s) URLs'),
  purpose: z.enum(['incidents', 'retrain']),
});

export async function handleWebhooks(
  req: IncomingMessage,
  route: WebhookRoute,
  identity: MemberIdentity,
  deps: { store: Store; withRoom: WithRoom; webhooks: WebhookSender; allowPrivateWebhooks: boolean },
  reply: Reply,
): Promise<void> {
  if (identity.workspaceId !== route.workspaceId) return reply(403, { error: 'token is not for this workspace' });
  const { store } = deps;
  const isOwner = identity.role === 'owner';
  const canWrite = isOwner || identity.role === 'editor';
  switch (route.kind) {
    case 'webhooks':
      if (req.method === 'GET') {
        if (!canWrite) return reply(403, { error: `a ${identity.role} cannot see webhooks` });
        return reply(200, { webhooks: await store.listWebhooks(route.workspaceId) });
      }
      if (req.method !== 'POST') return reply(405, { error: 'use GET or POST' });
      if (!isOwner) return reply(403, { error: 'only owners can add webhooks' });
      {
        const parsed = createInput.safeParse(await readJson(req));
        if (!parsed.success) return reply(400, { error: `expected {"url","purpose":"incidents"|"retrain"}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ')}` });
        // Said now rather than at the first delivery; each delivery checks again (webhook-address.ts).
        const refused = deps.allowPrivateWebhooks ? null : await privateTargetReason(parsed.data.url);
        if (refused) return reply(400, { error: `url: ${refused}` });
        return reply(201, await store.createWebhook(route.workspaceId, parsed.data.url, parsed.data.purpose, Date.now()));
      }
    case 'webhook':
      if (req.method !== 'DELETE') return reply(405, { error: 'use DELETE' });
      if (!isOwner) return reply(403, { error: 'only owners can remove webhooks' });
      return (await store.deleteWebhook(route.workspaceId, route.id!)) ? reply(200, { deleted: route.id }) : reply(404, { error: `no webhook ${route.id}` });
    case 'deliveries':
      if (req.method !== 'GET') return reply(405, { error: 'use GET' });
      // Entries carry the webhook URL, which is often a credential (Slack-style): as for the list.
      if (!canWrite) return reply(403, { error: `a ${identity.role} cannot see webhook deliveries` });
      return reply(200, { deliveries: await store.listDeliveries(route.workspaceId, 100) });
    case 'retrain': {
      if (req.method !== 'POST') return reply(405, { error: 'use POST' });
      if (!canWrite) return reply(403, { error: `a ${identity.role} cannot request a retrain` });
      const found = await deps.withRoom(route.workspaceId, async (room) => {
        const incident = getIncident(room.doc, route.id!);
        return incident ? { incident, monitor: incident.monitorId ? getMonitor(room.doc, incident.monitorId) : undefined } : null;
      });
      if (!found) return reply(404, { error: `no incident ${route.id}` });
      const targets = await store.webhookTargets(route.workspaceId, 'retrain');
      if (targets.length === 0) return reply(409, { error: 'no retrain webhook is configured for this workspace; an owner can add one under Settings → Webhooks' });
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
      const record = (outcome: RetrainOutcome, follows: string | undefined) =>
        deps.withRoom(route.workspaceId, async (room) => {
          const event = appendIncidentEvent(room.doc, incident.id, { kind: 'action', action: 'retrain', ...outcome, ...(follows ? { follows } : {}) }, ctx);
          await room.flushed();
          return event.id;
        });
      const deliveries = await deps.webhooks.send(route.workspaceId, 'retrain', {
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
      return reply(ok ? 200 : 502, { outcome: ok ? 'ok' : 'failed', deliveries });
    }
  }
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  let text = '';
  for await (const chunk of req) {
    text += chunk;
    if (text.length > 16_384) return null;
  }
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

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
