/**
 * Outgoing webhooks on a real server, received by a real local HTTP server: incident events
 * from a drifted batch, "Request retrain" with its outcome on the incident timeline, signatures
 * that verify, retries with backoff and the delivery log.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SyncServer, startSyncServer } from '../../server/index.ts';
import { WebhookSender } from '../../server/webhooks.ts';
import { seattleWeatherYear } from '../helpers/seattle-weather.ts';
import { connectClient, synced, waitFor } from '../helpers/sync-clients.ts';
import { liveTimeline } from '../helpers/timelines.ts';

interface Received { headers: Record<string, string | string[] | undefined>; body: string }

let dir: string;
let server: SyncServer;
let receiver: Server;
let receiverUrl: string;
const received: Received[] = [];
/** How many of the next requests the receiver fails with 503 before it answers 200. */
let failNext = 0;
let ws: { id: string; token: string };
let viewer: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'driftdesk-webhooks-'));
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      if (failNext > 0) {
        failNext--;
        res.writeHead(503).end('busy');
      } else res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`;
  // The receiver is on this machine, as the desktop app's embedded server allows (a team server refuses it: below).
  server = await startSyncServer({ port: 0, dataDir: dir, webhookRetryMs: 50, allowPrivateWebhooks: true });
  ws = server.store.createWorkspace('Weather', 'Ada');
  viewer = server.store.createMemberToken(ws.id, 'viewer', 'Vic').token;
});
afterAll(async () => {
  await server.close();
  await new Promise<void>((r) => receiver.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

const api = (path: string, init: RequestInit & { token?: string } = {}) =>
  fetch(`${server.url}/api/v1/workspaces/${ws.id}${path}`, { ...init, headers: { authorization: `Bearer ${init.token ?? ws.token}`, 'content-type': 'application/json', ...init.headers } });

/** What a receiver does: recompute the HMAC over `v1:<timestamp>:<body>` and compare in constant time. */
function verifies(r: Received, secret: string): boolean {
  const expected = Buffer.from(`v1=${createHmac('sha256', secret).update(`v1:${r.headers['x-driftdesk-timestamp']}:${r.body}`).digest('hex')}`);
  const given = Buffer.from(String(r.headers['x-driftdesk-signature']));
  return expected.length === given.length && timingSafeEqual(expected, given);
}

describe('webhooks', () => {
  it('signs incident events and retrain requests, retries failures, logs deliveries', async () => {
    // Only owners configure; a bad URL is refused with the reason.
    expect((await api('/webhooks', { method: 'POST', token: viewer, body: JSON.stringify({ url: receiverUrl, purpose: 'incidents' }) })).status).toBe(403);
    const bad = await api('/webhooks', { method: 'POST', body: JSON.stringify({ url: 'ftp://x', purpose: 'incidents' }) });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toContain('only http(s) URLs');
    const incidentsHook = (await (await api('/webhooks', { method: 'POST', body: JSON.stringify({ url: receiverUrl, purpose: 'incidents' }) })).json()) as { id: string; secret: string };
    const listed = (await (await api('/webhooks')).json()) as { webhooks: Record<string, unknown>[] };
    expect(listed.webhooks).toEqual([{ id: incidentsHook.id, url: receiverUrl, purpose: 'incidents', createdAt: expect.any(Number) }]);

    // A monitor and a drifted batch: the incident event arrives, Slack-shaped and signed.
    const reference = Buffer.from(seattleWeatherYear(2012));
    const sha = createHash('sha256').update(reference).digest('hex');
    await fetch(`${server.url}/api/v1/workspaces/${ws.id}/blobs/${sha}`, { method: 'PUT', headers: { authorization: `Bearer ${ws.token}` }, body: reference });
    const { monitorId } = (await (await api('/monitors', { method: 'POST', body: JSON.stringify({
      name: 'Rain model', model: 'rain-forecast', reference: { sha256: sha, fileName: 'seattle-2012.csv', format: 'csv' },
      rules: [{ kind: 'columnDrift', id: 'temp', column: 'temp_max' }],
    }) })).json()) as { monitorId: string };
    const batch = await api(`/monitors/${monitorId}/batches`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: seattleWeatherYear(2015) });
    const { opened } = (await batch.json()) as { opened: { id: string }[] };
    await waitFor(() => received.length === 1, 'incident webhook');
    const event = received[0]!;
    expect(verifies(event, incidentsHook.secret)).toBe(true);
    expect(verifies(event, 'whsec_wrong')).toBe(false);
    const payload = JSON.parse(event.body) as { text: string; blocks: unknown[]; driftdesk: { event: string; incident: { id: string } } };
    expect(payload.text).toMatch(/^New: Rain model: drift in temp_max \(critical\) — temp_max: p-value/);
    expect(payload.blocks).toHaveLength(1);
    expect(payload.driftdesk).toMatchObject({ event: 'incident.opened', workspaceId: ws.id, incident: { id: opened[0]!.id } });

    // Request retrain with no retrain webhook: refused, nothing on the timeline.
    const noHook = await api(`/incidents/${opened[0]!.id}/retrain`, { method: 'POST' });
    expect(noHook.status).toBe(409);

    // The retrain receiver is busy twice, then takes it: the first attempt fails (the
    // timeline says it is being retried), the retries deliver, the log shows three attempts,
    // and the timeline ends with the final outcome.
    const retrainHook = (await (await api('/webhooks', { method: 'POST', body: JSON.stringify({ url: receiverUrl, purpose: 'retrain' }) })).json()) as { secret: string };
    const live = connectClient(server.url, ws.id, ws.token);
    await synced(live.provider);
    // The timeline is in the incident's conversation doc (the server splits timelines by default).
    const timeline = liveTimeline(server.url, ws.id, ws.token, live.doc, opened[0]!.id);
    failNext = 2;
    const retrain = await api(`/incidents/${opened[0]!.id}/retrain`, { method: 'POST' });
    expect(retrain.status).toBe(502);
    await waitFor(() => timeline.events().some((e) => e.kind === 'action'), 'retrain outcome on the timeline');
    // As first written (the retries may already have folded a later outcome into it).
    const action = timeline.raw().find((e) => e.kind === 'action')!;
    expect(action).toMatchObject({ action: 'retrain', outcome: 'pending', byName: 'Ada', detail: expect.stringContaining('answered 503') });
    expect(action.kind === 'action' && action.detail).toMatch(/retrying$/);
    await waitFor(() => received.length === 4, 'retries reach the receiver', 5000);
    const delivered = received[3]!;
    expect(verifies(delivered, retrainHook.secret)).toBe(true);
    expect(JSON.parse(delivered.body).driftdesk).toMatchObject({ event: 'retrain.requested', model: 'rain-forecast', monitor: { id: monitorId }, data: { reportBlob: expect.stringMatching(/^[0-9a-f]{64}$/) } });
    const log = async () => ((await (await api('/webhooks/deliveries')).json()) as { deliveries: { event: string; status: string; attempts: number; lastStatus: number }[] }).deliveries;
    let deliveries = await log();
    for (let i = 0; i < 50 && deliveries[0]?.status !== 'delivered'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      deliveries = await log();
    }
    expect(deliveries.map((d) => `${d.event} ${d.status} ${d.attempts} ${d.lastStatus}`)).toEqual(['retrain.requested delivered 3 200', 'incident.opened delivered 1 200']);
    const final = () => timeline.events().filter((e) => e.kind === 'action');
    await waitFor(() => final()[0]?.kind === 'action' && final()[0]!.outcome === 'ok', 'final retrain outcome on the timeline');
    // One action on the timeline, where it was asked for, with its final outcome; the audit
    // trail keeps each outcome the server wrote (the second attempt changed nothing, so it is
    // not written again).
    expect(final()).toEqual([expect.objectContaining({ id: action.id, at: action.at, byName: 'Ada', outcome: 'ok', detail: `${receiverUrl}: delivered (200) after 3 attempts` })]);
    expect(timeline.raw().filter((e) => e.kind === 'action').map((e) => e.kind === 'action' && e.outcome)).toEqual(['pending', 'ok']);
    timeline.dispose();
    live.dispose();
  });
});

describe('a team server and private addresses (server-side request forgery)', () => {
  let team: SyncServer;
  let teamDir: string;
  let owner: { id: string; token: string };
  beforeAll(async () => {
    teamDir = mkdtempSync(join(tmpdir(), 'driftdesk-webhooks-team-'));
    team = await startSyncServer({ port: 0, dataDir: teamDir, webhookRetryMs: 50 });
    owner = team.store.createWorkspace('Team', 'Ada');
  });
  afterAll(async () => {
    await team.close();
    rmSync(teamDir, { recursive: true, force: true });
  });
  const add = (url: string) =>
    fetch(`${team.url}/api/v1/workspaces/${owner.id}/webhooks`, { method: 'POST', headers: { authorization: `Bearer ${owner.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ url, purpose: 'incidents' }) });

  it('refuses to add a webhook to a loopback, private, link-local or metadata address, by IP or by name', async () => {
    for (const url of [receiverUrl, 'http://10.1.2.3/hook', 'http://192.168.0.10/hook', 'http://169.254.169.254/latest/meta-data/', 'http://[::1]:8080/hook', 'http://[::ffff:127.0.0.1]/hook', 'http://[fd00::1]/hook', 'http://0.0.0.0:9/hook', 'http://localhost:1234/hook']) {
      const res = await add(url);
      expect(`${url} → ${res.status}`).toBe(`${url} → 400`);
      expect(((await res.json()) as { error: string }).error).toContain('--allow-private-webhooks');
    }
    expect(await team.store.listWebhooks(owner.id)).toEqual([]);
    // A public address is taken (nothing is sent until an event).
    expect((await add('https://93.184.216.34/hook')).status).toBe(201);
  });

  it('refuses to deliver to a private address at send time too (a hook kept from before, or a name that now resolves inside)', async () => {
    const before = received.length;
    const planted = await team.store.createWebhook(owner.id, receiverUrl.replace('127.0.0.1', 'localhost'), 'retrain', Date.now());
    const sender = new WebhookSender(team.store, { baseRetryMs: 50 });
    const [delivery] = await sender.send(owner.id, 'retrain', { event: 'retrain.requested', text: 'retrain', data: {} });
    sender.close();
    expect(delivery).toMatchObject({ webhookId: planted.id, status: 'failed', attempts: 1, lastStatus: null, lastError: expect.stringMatching(/^refused: localhost is this machine, a private or local address/) });
    await new Promise((r) => setTimeout(r, 200));
    expect(received.length).toBe(before);
    // The same sender allowed private addresses delivers (the embedded server's case).
    const allowed = new WebhookSender(team.store, { allowPrivate: true });
    const [ok] = await allowed.send(owner.id, 'retrain', { event: 'retrain.requested', text: 'retrain', data: {} });
    allowed.close();
    expect(ok).toMatchObject({ status: 'delivered', lastStatus: 200 });
    expect(received.length).toBe(before + 1);
  });

  it('gives up on a receiver that does not answer in time', async () => {
    const silent = createServer(() => {}); // takes the request, never answers
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    const hook = await team.store.createWebhook(owner.id, `http://127.0.0.1:${(silent.address() as { port: number }).port}/hook`, 'retrain', Date.now());
    const sender = new WebhookSender(team.store, { allowPrivate: true, timeoutMs: 300, maxAttempts: 1 });
    const deliveries = await sender.send(owner.id, 'retrain', { event: 'retrain.requested', text: 'retrain', data: {} });
    sender.close();
    silent.closeAllConnections();
    await new Promise<void>((r) => silent.close(() => r()));
    expect(deliveries.find((d) => d.webhookId === hook.id)).toMatchObject({ status: 'failed', attempts: 1, lastError: 'no answer in time' });
  });
});
