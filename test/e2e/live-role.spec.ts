/**
 * Role is live state (issue 18): Cy, an editor, is demoted to viewer while he edits. His app
 * relabels him and turns editing off, with a sentence saying why; the edit he made before his
 * app heard of it is refused by the server and shown as not sent (copy, discard), and nobody
 * else ever sees it; promoted again, he edits again.
 *
 * To make "while editing" deterministic, Cy's sync socket is routed through Playwright and what
 * the server sends him is held back for a moment: his app still believes he is an editor while
 * the server already says viewer — the race a slow network gives for real.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { WebSocketRoute } from '@playwright/test';
import { cli, expect, repoRoot, test } from './fixtures';
import { StartScreen, WorkspaceScreen } from './pages';

const SCREENS = join(repoRoot, 'test-results', 'screens');

test('an editor demoted while editing sees the relabel and the refused edit as not sent; promoted again, he edits again', async ({ launchApp }) => {
  test.setTimeout(180_000);
  mkdirSync(SCREENS, { recursive: true });
  const ada = await launchApp('Ada');
  const start = new StartScreen(ada.page);
  const serverUrl = await start.localServerUrl();
  const workspaceId = await start.createWorkspace('Team day', 'Ada');
  const serverData = join(ada.dataDir, 'server');
  const created = cli('token', 'create', '--data', serverData, '--workspace', workspaceId, '--role', 'editor', '--name', 'Cy');
  const setRole = (role: string) => cli('token', 'role', '--data', serverData, '--workspace', workspaceId, '--member', created.member!, '--role', role);
  const adaWs = new WorkspaceScreen(ada.page);
  await adaWs.createIncident({ title: 'PSI on age above 0.2', severity: 'high' });
  await expect(ada.page.getByRole('heading', { name: 'PSI on age above 0.2' })).toBeVisible();

  const cy = await launchApp('Cy');
  await cy.page.setViewportSize({ width: 1400, height: 900 });
  // Electron's context has no permissions to grant; its clipboard is read from main.
  await cy.page.context().grantPermissions(['clipboard-read', 'clipboard-write']).catch(() => {});
  // Cy's sync sockets pass through here; `held` keeps what the server sends until released.
  let held: { route: WebSocketRoute; message: string | Buffer }[] | null = null;
  await cy.page.routeWebSocket(/\/sync\//, (ws) => {
    const server = ws.connectToServer();
    server.onMessage((message) => (held ? held.push({ route: ws, message }) : ws.send(message)));
    ws.onMessage((message) => server.send(message));
  });
  await new StartScreen(cy.page).join(serverUrl, created.token!);
  const cyWs = new WorkspaceScreen(cy.page);
  await expect(cy.page.getByTestId('you-are')).toHaveText('You are Cy (editor)');
  await cyWs.openIncident('PSI on age above 0.2');
  await expect(cy.page).toHaveTitle('PSI on age above 0.2 · Incidents · Team day — Driftdesk');
  await expect(cy.page.getByRole('link', { name: 'Webhooks' })).toBeVisible();
  await expect(cyWs.syncStatus()).toHaveAttribute('data-state', 'synced');
  const cySeverity = cy.page.getByRole('region', { name: 'Severity' });

  // The owner demotes Cy; the server applies it (Ada's members list shows it) while Cy's app
  // has not heard yet, and Cy changes the severity.
  held = [];
  setRole('viewer');
  await ada.page.getByRole('link', { name: 'Members' }).click();
  await expect(ada.page.getByRole('row', { name: /Cy viewer/ })).toBeVisible();
  await cySeverity.getByLabel('Severity').selectOption('low');
  await expect(cySeverity.getByLabel('Severity')).toHaveValue('low');
  await cy.page.waitForTimeout(500); // the edit reaches the server, which refuses it
  const release = held;
  held = null;
  for (const { route, message } of release) route.send(message);

  // Relabelled, editing off with why, and the refused edit shown as not sent.
  await expect(cy.page.getByTestId('you-are')).toHaveText('You are Cy (viewer)');
  await expect(cy.page.getByTestId('role-notice')).toHaveText('An owner changed your role from editor to viewer: editing is off: you can read this workspace but not change it.');
  const notSent = cy.page.getByTestId('refused-edits');
  await expect(notSent).toContainText('Not sent: the server refused your change (viewers cannot change this workspace)');
  await expect(notSent.getByTestId('refused-text')).toContainText('severity: low');
  // The incident shows what the server has: still high, and no severity control.
  await expect(cySeverity.getByLabel('Severity')).toHaveCount(0);
  // A viewer is not shown what a viewer cannot use.
  await expect(cy.page.getByRole('link', { name: 'Webhooks' })).toHaveCount(0);
  await expect(cySeverity).toContainText('high');
  await expect(cyWs.syncStatus()).toHaveAttribute('data-state', 'synced');
  await expect(cyWs.syncStatus()).toHaveAttribute('data-pending', '0');
  await cy.page.screenshot({ path: join(SCREENS, 'live-role-demoted-1400x900.png') });

  await notSent.getByRole('button', { name: 'Copy my text' }).click();
  await expect(notSent.getByRole('button', { name: 'Copied' })).toBeVisible();
  expect(await cy.readClipboard()).toContain('severity: low');
  await notSent.getByRole('button', { name: 'Discard' }).click();
  await expect(notSent).toHaveCount(0);

  // Nobody else ever sees it.
  await ada.page.getByRole('link', { name: 'Incidents', exact: true }).click();
  await expect(adaWs.incidentRow('PSI on age above 0.2')).toContainText('high');

  // Promoted again: editing is on, and his next edit reaches Ada (nothing refused comes with it).
  setRole('editor');
  await expect(cy.page.getByTestId('you-are')).toHaveText('You are Cy (editor)');
  await expect(cy.page.getByTestId('role-notice')).toHaveText('An owner changed your role from viewer to editor: editing is on again.');
  await expect(cy.page.getByRole('link', { name: 'Webhooks' })).toBeVisible();
  await cySeverity.getByLabel('Severity').selectOption('critical');
  await expect(adaWs.incidentRow('PSI on age above 0.2')).toContainText('critical');
  // Ada's timeline has Cy's severity change, and never the refused one.
  await adaWs.openIncident('PSI on age above 0.2');
  await expect(adaWs.comments()).toContainText('Cy raised the severity from high to critical');
  await expect(adaWs.comments()).not.toContainText('low');
  await ada.page.getByRole('link', { name: 'Incidents', exact: true }).click();
  await expect(cyWs.syncStatus()).toHaveAttribute('data-state', 'synced');
  await expect(cyWs.syncStatus()).toHaveAttribute('data-pending', '0');

  // After a reload Cy is still an editor, and the refused edit has not come back from his cache.
  await cy.page.reload();
  await expect(cy.page.getByTestId('you-are')).toHaveText('You are Cy (editor)');
  await expect(cySeverity.getByLabel('Severity')).toHaveValue('critical');
  await ada.page.waitForTimeout(1000);
  await expect(adaWs.incidentRow('PSI on age above 0.2')).toContainText('critical');
});
