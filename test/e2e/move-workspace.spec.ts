/**
 * "Move to a team server…" (issue 21): Ada started a workspace on her own computer; the team's
 * admin makes an empty workspace on the team server and gives her its owner token; she moves it
 * from the Members page, opens it there, and finds everything — and a teammate who joins the team
 * server sees it too.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../helpers/services';
import { cli, expect, test } from './fixtures';
import { StartScreen, WorkspaceScreen } from './pages';
import { killTeamServer, startTeamServer } from './team-server';

test('a workspace started on this computer moves to a team server with everything in it', async ({ launchApp }) => {
  test.setTimeout(120_000);
  const root = mkdtempSync(join(tmpdir(), 'driftdesk-move-e2e-'));
  const port = await freePort();
  const teamUrl = `http://127.0.0.1:${port}`;
  const data = join(root, 'team');
  const created = cli('workspace', 'create', '--data', data, '--name', 'Churn model (team)', '--owner', 'Ada');
  const server = await startTeamServer(data, port);
  try {
    const ada = await launchApp('Ada');
    await new StartScreen(ada.page).createWorkspace('Churn model', 'Ada');
    const adaWs = new WorkspaceScreen(ada.page);
    await adaWs.createIncident({ title: 'Tenure drifted after the March release', severity: 'high' });
    await adaWs.comment('Bucketed by quarter now.');
    await expect(adaWs.comments()).toContainText('Bucketed by quarter now.');
    await ada.page.getByRole('link', { name: 'Members' }).click();
    const invite = ada.page.getByRole('form', { name: 'Invite someone' });
    await invite.getByLabel('Their name').fill('Bob');
    await invite.getByRole('button', { name: 'Create invite' }).click();
    await expect(invite.getByLabel(/Invite link/)).toBeVisible();

    const move = ada.page.getByRole('form', { name: 'Move to a team server' });
    await move.getByLabel('Team server address or invite link').fill(teamUrl);
    await move.getByLabel('Owner token').fill('ddt_not-a-real-token');
    await move.getByRole('button', { name: 'Move workspace' }).click();
    await expect(move.getByRole('alert')).toContainText('Nothing was changed here');
    await move.getByLabel('Owner token').fill(created.token!);
    await move.getByRole('button', { name: 'Move workspace' }).click();
    const moved = ada.page.getByRole('region', { name: 'Moved to a team server' });
    await expect(moved).toContainText(`Moved to ${teamUrl}`);
    const bobLink = await moved.getByLabel('Bob (editor)').inputValue();
    expect(bobLink).toMatch(/^driftdesk:\/\/join\?server=/);
    await moved.getByRole('link', { name: 'Open it on the team server' }).click();
    await expect(ada.page.getByRole('heading', { name: 'Churn model (team)' })).toBeVisible();
    await expect(adaWs.syncStatus()).toHaveAttribute('data-state', 'synced');
    await adaWs.openIncident('Tenure drifted after the March release');
    await expect(adaWs.comments()).toContainText('Bucketed by quarter now.');

    const bob = await launchApp('Bob');
    await new StartScreen(bob.page).join(bobLink, '');
    const bobWs = new WorkspaceScreen(bob.page);
    await expect(bobWs.incidentRow('Tenure drifted after the March release')).toBeVisible();
    // Ada writes on the team server as herself, and Bob sees it live.
    await adaWs.comment('Moved to the team server.');
    await bobWs.openIncident('Tenure drifted after the March release');
    await expect(bobWs.comments()).toContainText('Moved to the team server.');
    await expect(bobWs.comments()).toContainText('Bucketed by quarter now.');
  } finally {
    await killTeamServer(server);
    rmSync(root, { recursive: true, force: true });
  }
});
