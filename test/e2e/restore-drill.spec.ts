/**
 * The restore drill (issue 21, README "Backups and restore"): a team server's data directory is
 * gone; an empty server imports the newest backup; clients reconnect and their copies put back
 * what the backup missed — confirmed edits made after it, and edits made offline meanwhile — so
 * the only loss would be edits on no client. The app says when the server knew less than it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../helpers/services';
import { cli, expect, test } from './fixtures';
import { killTeamServer as kill, startTeamServer as startServer } from './team-server';
import { StartScreen, WorkspaceScreen } from './pages';

test('restore drill: the data directory is gone, the newest backup is imported, clients put back what it missed', async ({ launchApp }) => {
  test.setTimeout(180_000);
  const root = mkdtempSync(join(tmpdir(), 'driftdesk-drill-'));
  const port = await freePort();
  const serverUrl = `http://127.0.0.1:${port}`;
  const first = join(root, 'data');
  const created = cli('workspace', 'create', '--data', first, '--name', 'Fraud model', '--owner', 'Ada');
  const id = created.id!;
  const adaToken = created.token!;
  const bobToken = cli('token', 'create', '--data', first, '--workspace', id, '--role', 'editor', '--name', 'Bob').token!;
  let server = await startServer(first, port);
  try {
    const ada = await launchApp('Ada');
    await new StartScreen(ada.page).join(serverUrl, adaToken);
    const bob = await launchApp('Bob');
    await new StartScreen(bob.page).join(serverUrl, bobToken);
    const adaWs = new WorkspaceScreen(ada.page);
    const bobWs = new WorkspaceScreen(bob.page);
    await expect(bob.page.getByRole('heading', { name: 'Fraud model' })).toBeVisible();

    await adaWs.createIncident({ title: 'Before the backup', severity: 'high' });
    await expect(bobWs.incidentRow('Before the backup')).toBeVisible();
    // The backup (the same archive `--backup-dir` writes), taken while the server serves.
    const archive = join(root, 'backup.tar.gz');
    cli('workspace', 'export', id, '--data', first, '--out', archive);

    // Confirmed after the backup: the server had it, and so do both copies.
    await ada.page.getByRole('link', { name: 'Incidents', exact: true }).click();
    await adaWs.createIncident({ title: 'After the backup', severity: 'low' });
    await expect(bobWs.incidentRow('After the backup')).toBeVisible();
    await expect(adaWs.syncStatus()).toHaveAttribute('data-state', 'synced');
    // The host forgets an edit as "not yet on the server" after its push check (save 150 ms +
    // 800 ms); until then it would count as Ada's unsent work rather than as the server's loss.
    await ada.page.waitForTimeout(2500);

    // The disk is lost.
    await kill(server);
    rmSync(first, { recursive: true, force: true });
    await expect(bobWs.syncStatus()).toHaveAttribute('data-state', 'offline');
    // Bob keeps working offline.
    await bobWs.openIncident('Before the backup');
    await bobWs.comment('Written while the server was gone.');
    await expect(bobWs.comments()).toContainText('Written while the server was gone.');

    // An empty server, the newest backup imported, the same address.
    const second = join(root, 'restored');
    cli('workspace', 'import', archive, '--data', second);
    server = await startServer(second, port);

    // Both reconnect; the server learns what it lacked from their copies, and they say so.
    await expect(adaWs.syncStatus()).toHaveAttribute('data-state', 'synced', { timeout: 20_000 });
    await expect(bobWs.syncStatus()).toHaveAttribute('data-state', 'synced', { timeout: 20_000 });
    // Whoever reconnects first gives the server back what it lost (Ada's edit after the backup,
    // which both copies hold) and is told so; both are, when they reconnect at the same moment.
    const told = async () => (await Promise.all([ada, bob].map(async (app) => ((await app.page.getByTestId('server-behind').count()) > 0 ? [app] : [])))).flat();
    await expect.poll(async () => (await told()).length).toBeGreaterThanOrEqual(1);
    for (const app of await told()) {
      await expect(app.page.getByTestId('server-behind')).toContainText('The server had less than this device');
      await app.page.getByTestId('server-behind').getByRole('button', { name: 'OK' }).click();
      await expect(app.page.getByTestId('server-behind')).toHaveCount(0);
    }
    await ada.page.getByRole('link', { name: 'Incidents', exact: true }).click();
    await adaWs.openIncident('Before the backup');
    await expect(adaWs.comments()).toContainText('Written while the server was gone.');

    // A newcomer who never had a copy sees everything: it is on the server again.
    const cyToken = cli('token', 'create', '--data', second, '--workspace', id, '--role', 'viewer', '--name', 'Cy').token!;
    const cy = await launchApp('Cy');
    await new StartScreen(cy.page).join(serverUrl, cyToken);
    const cyWs = new WorkspaceScreen(cy.page);
    await expect(cyWs.incidentRow('Before the backup')).toBeVisible();
    await expect(cyWs.incidentRow('After the backup')).toBeVisible();
    await cyWs.openIncident('Before the backup');
    await expect(cyWs.comments()).toContainText('Written while the server was gone.');
    // A newcomer's copy held nothing the server lacked: no notice.
    await expect(cy.page.getByTestId('server-behind')).toHaveCount(0);
  } finally {
    await kill(server);
    rmSync(root, { recursive: true, force: true });
  }
});
