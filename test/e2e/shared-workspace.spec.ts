import { expect, test } from './fixtures';
import { StartScreen, WorkspaceScreen } from './pages';

test('two members share a workspace live, and it survives a reload and a server outage', async ({ launchApp }) => {
  const ada = await launchApp('Ada');
  const adaStart = new StartScreen(ada.page);
  // First start: the demo workspace is there.
  await expect(ada.page.getByRole('button', { name: /Demo · churn-model/ })).toBeVisible();
  const serverUrl = await adaStart.localServerUrl();
  await adaStart.createWorkspace('Fraud model', 'Ada');
  // Ada invites Bob from the Members page; Bob pastes the link.
  await ada.page.getByRole('link', { name: 'Members' }).click();
  const invite = ada.page.getByRole('form', { name: 'Invite someone' });
  await invite.getByLabel('Their name').fill('Bob');
  await invite.getByLabel('Role').selectOption('editor');
  await invite.getByRole('button', { name: 'Create invite' }).click();
  const link = await invite.getByLabel(/Invite link/).inputValue();
  expect(link).toMatch(/^driftdesk:\/\/join\?server=/);
  expect(decodeURIComponent(link)).toContain(serverUrl);
  await ada.page.getByRole('link', { name: 'Incidents', exact: true }).click();

  const bob = await launchApp('Bob');
  await new StartScreen(bob.page).join(link, '');
  const bobWs = new WorkspaceScreen(bob.page);
  await expect(bob.page.getByRole('heading', { name: 'Fraud model' })).toBeVisible();
  await expect(bob.page.getByText('No incidents yet')).toBeVisible();

  const adaWs = new WorkspaceScreen(ada.page);
  await adaWs.createIncident({
    title: 'PSI on merchant_category above 0.25',
    severity: 'critical',
    status: 'investigating',
    description: 'Since the 2026-11-20 batch.\n<b>not bold</b>',
  });
  await expect(ada.page.getByRole('heading', { name: 'PSI on merchant_category above 0.25' })).toBeVisible();
  // User text is rendered as text, never as markup.
  await expect(ada.page.getByText('<b>not bold</b>')).toBeVisible();

  // Bob sees it appear without reloading, opens it and comments.
  await expect(bobWs.incidentRow('PSI on merchant_category above 0.25')).toContainText('critical');
  await expect(bobWs.incidentRow('PSI on merchant_category above 0.25')).toContainText('investigating');
  await bobWs.openIncident('PSI on merchant_category above 0.25');
  await bobWs.comment('Upstream changed the category mapping on Friday.');

  await expect(adaWs.comments()).toContainText('Upstream changed the category mapping on Friday.');
  await expect(adaWs.comments()).toContainText('Bob');
  // Presence: Ada sees Bob, his role and that he is on an incident.
  await expect(adaWs.presence()).toContainText('Bob');
  await expect(adaWs.presence()).toContainText('editor · viewing an incident');
  await expect(adaWs.syncStatus()).toHaveAttribute('data-state', 'synced');

  // Members and roles.
  await ada.page.getByRole('link', { name: 'Members' }).click();
  await expect(ada.page.getByRole('row', { name: /Ada owner/ })).toBeVisible();
  await expect(ada.page.getByRole('row', { name: /Bob editor/ })).toBeVisible();

  // Reload keeps it all.
  await ada.page.reload();
  await ada.page.getByRole('link', { name: 'Incidents', exact: true }).click();
  await adaWs.openIncident('PSI on merchant_category above 0.25');
  await expect(adaWs.comments()).toContainText('Upstream changed the category mapping on Friday.');

  // The server goes away (it lives in Ada's app): Bob's app says so, loads from its own
  // cache after a reload, and keeps what he writes offline.
  await ada.stop();
  await expect(bobWs.syncStatus()).toHaveAttribute('data-state', 'offline');
  await bob.page.reload();
  await expect(bob.page.getByRole('heading', { name: 'PSI on merchant_category above 0.25' })).toBeVisible();
  await expect(bobWs.comments()).toContainText('Upstream changed the category mapping on Friday.');
  await expect(bobWs.syncStatus()).toHaveAttribute('data-state', 'offline');
  await expect(bobWs.syncStatus()).toContainText('Could not reach the server');
  await bobWs.comment('Written while the server was down.');
  await expect(bobWs.comments()).toContainText('Written while the server was down.');
  await bob.page.waitForTimeout(400); // past the 150 ms write-behind to the local cache
  await bob.page.reload();
  await expect(bobWs.comments()).toContainText('Written while the server was down.');

  // Ada's app comes back on the same port: Bob's offline comment reaches her.
  const adaAgain = await ada.restart();
  await adaAgain.page.getByRole('button', { name: /Fraud model/ }).click();
  const adaWs2 = new WorkspaceScreen(adaAgain.page);
  await adaWs2.openIncident('PSI on merchant_category above 0.25');
  await expect(adaWs2.comments()).toContainText('Written while the server was down.', { timeout: 20_000 });
  await expect(bobWs.syncStatus()).toHaveAttribute('data-state', 'synced', { timeout: 20_000 });
});

test('bad input is refused with a message and nothing half-written lands', async ({ launchApp }) => {
  const app = await launchApp('Cleo');
  const start = new StartScreen(app.page);
  await start.join('http://127.0.0.1:9', 'ddt_whatever');
  await expect(start.joinError()).toContainText('Could not reach the server at http://127.0.0.1:9');
  await start.join('not a url', 'ddt_whatever');
  await expect(start.joinError()).toContainText('is not a server URL');
  const serverUrl = await start.localServerUrl();
  await start.join(serverUrl, 'ddt_forged');
  await expect(start.joinError()).toContainText('refused this token');

  await start.createWorkspace('Ranking model', 'Cleo');
  const ws = new WorkspaceScreen(app.page);
  await app.page.getByRole('button', { name: /New incident/ }).click();
  const form = app.page.getByRole('form', { name: 'New incident' });
  await form.getByLabel('Title').fill('   ');
  await form.getByRole('button', { name: 'Create incident' }).click();
  await expect(form.getByRole('alert')).toContainText('title is required');
  await form.getByRole('button', { name: 'Cancel' }).click();
  await expect(app.page.getByText('No incidents yet')).toBeVisible();

  await ws.createIncident({ title: 'Null share of zip_code doubled', severity: 'medium' });
  await ws.comment('   ');
  await expect(app.page.getByRole('form', { name: 'Add a comment' }).getByRole('alert')).toContainText('comment is empty');
  await expect(app.page.getByText('No comments yet')).toBeVisible();
});
