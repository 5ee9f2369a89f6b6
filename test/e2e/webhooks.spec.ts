import { createHash, createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { cli, expect, test } from './fixtures';
import { shownNotifications, watchNotifications } from './notifications';
import { StartScreen, workspaceIdFrom } from './pages';
import { seattleWeatherYear } from '../helpers/seattle-weather';

test('an owner adds a webhook; a drifted batch reaches a local receiver signed, the app shows the delivery, and the owner gets a desktop notification', async ({ launchApp }) => {
  const received: { headers: Record<string, unknown>; body: string }[] = [];
  const receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  const receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/slack`;
  try {
    const ada = await launchApp('Ada');
    // The owner should hear about new incidents on her desktop.
    await watchNotifications(ada.page);
    const start = new StartScreen(ada.page);
    const serverUrl = await start.localServerUrl();
    await start.createWorkspace('Rain model', 'Ada');
    const workspaceId = workspaceIdFrom(ada.page);

    await ada.page.getByRole('link', { name: 'Webhooks' }).click();
    await expect(ada.page.getByText('No webhooks yet.')).toBeVisible();
    const form = ada.page.getByRole('form', { name: 'Add a webhook' });
    await form.getByLabel('URL').fill(receiverUrl);
    await form.getByRole('button', { name: 'Add webhook' }).click();
    const secret = await ada.page.getByLabel('Signing secret').inputValue();
    expect(secret).toMatch(/^whsec_/);
    await expect(ada.page.getByRole('table', { name: 'Webhooks' })).toContainText(receiverUrl);

    // A CI job with an editor token: a monitor on seattle 2012, then the 2015 batch.
    const token = cli('token', 'create', '--data', join(ada.dataDir, 'server'), '--workspace', workspaceId, '--role', 'editor', '--name', 'CI').token!;
    const api = (path: string, body: string, type: string, method = 'POST') =>
      fetch(`${serverUrl}/api/v1/workspaces/${workspaceId}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': type }, body });
    const reference = seattleWeatherYear(2012);
    const sha = createHash('sha256').update(reference).digest('hex');
    expect((await api(`/blobs/${sha}`, reference, 'application/octet-stream', 'PUT')).ok).toBe(true);
    const monitor = (await (await api('/monitors', JSON.stringify({
      name: 'Rain model', reference: { sha256: sha, fileName: 'seattle-2012.csv', format: 'csv' }, rules: [{ kind: 'columnDrift', id: 'temp', column: 'temp_max' }],
    }), 'application/json')).json()) as { monitorId: string };
    expect((await api(`/monitors/${monitor.monitorId}/batches`, seattleWeatherYear(2015), 'text/csv')).status).toBe(200);

    await expect.poll(() => received.length).toBe(1);
    const [hit] = received;
    const expected = `v1=${createHmac('sha256', secret).update(`v1:${hit!.headers['x-driftdesk-timestamp']}:${hit!.body}`).digest('hex')}`;
    expect(hit!.headers['x-driftdesk-signature']).toBe(expected);
    expect(JSON.parse(hit!.body).text).toContain('Rain model: drift in temp_max');

    // Ada, an owner, is told on her desktop.
    await expect
      .poll(() => shownNotifications(ada.page))
      .toEqual([{ title: 'New critical incident', body: 'Rain model: drift in temp_max' }]);
    // The app's delivery log (refreshed every few seconds) shows it delivered.
    await expect(ada.page.getByRole('table', { name: 'Deliveries' }).getByRole('row', { name: /incident\.opened/ })).toContainText('delivered', { timeout: 10_000 });
    // A retrain webhook, then "Request retrain" on the incident: the pipeline gets the monitor,
    // model and data, and the outcome lands on the incident's timeline.
    await form.getByLabel('URL').fill(`${receiverUrl}/retrain`);
    await form.getByLabel('Sends').selectOption('retrain');
    await form.getByRole('button', { name: 'Add webhook' }).click();
    await expect(ada.page.getByRole('table', { name: 'Webhooks' })).toContainText(`${receiverUrl}/retrain`);
    await ada.page.getByRole('link', { name: 'Incidents', exact: true }).click();
    await ada.page.getByRole('link', { name: 'Rain model: drift in temp_max' }).click();
    await ada.page.getByRole('button', { name: 'Request retrain' }).click();
    await expect(ada.page.getByRole('region', { name: 'Retrain' }).getByRole('status')).toContainText('Sent to 1 retrain webhook(s).');
    await expect(ada.page.getByRole('list', { name: 'Timeline' })).toContainText('Ada retrain: done');
    const retrain = received.find((r) => r.headers['x-driftdesk-event'] === 'retrain.requested')!;
    expect(JSON.parse(retrain.body).driftdesk).toMatchObject({ monitor: { id: monitor.monitorId, name: 'Rain model' }, data: { reportBlob: expect.stringMatching(/^[0-9a-f]{64}$/) } });
  } finally {
    await new Promise<void>((r) => receiver.close(() => r()));
  }
});
