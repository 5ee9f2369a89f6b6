/**
 * Local-first promises (issue 5, "Offline and the cache"): windows stay in step through the
 * host without a server; edits made offline are counted, kept, and pushed when the server is
 * back; a crash of the host loses nothing that was reported saved.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, expect, repoRoot, test } from './fixtures';
import { StartScreen, WorkspaceScreen } from './pages';

// Two apps, a server restart and 20 s convergence waits; a crash and a restart.
test.setTimeout(150_000);

/** A standalone `driftdesk server` that can be stopped and started again on the same port. */
async function standaloneServer() {
  const dataDir = mkdtempSync(join(tmpdir(), 'driftdesk-e2e-server-'));
  const port = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port: p } = probe.address() as { port: number };
      probe.close(() => resolve(p));
    });
  });
  let child: ChildProcess | null = null;
  const start = async () => {
    child = spawn(process.execPath, ['bin/driftdesk', 'server', '--port', String(port), '--data', dataDir], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    await new Promise<void>((resolve, reject) => {
      let out = '';
      child!.stdout!.on('data', (d: Buffer) => (out += d.toString()).includes('listening on') && resolve());
      child!.stderr!.on('data', (d: Buffer) => (out += d.toString()));
      child!.once('exit', (code) => reject(new Error(`server exited ${code}: ${out}`)));
    });
  };
  const stop = async () => {
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child!.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  };
  await start();
  return { url: `http://127.0.0.1:${port}`, dataDir, start, stop, dispose: async () => { await stop(); rmSync(dataDir, { recursive: true, force: true }); } };
}

test('windows stay in step without the server, offline edits are counted, and both people converge when it is back', async ({ launchApp }) => {
  const server = await standaloneServer();
  try {
    const ws = cli('workspace', 'create', '--data', server.dataDir, '--name', 'Payments model', '--owner', 'Ada');
    const bobToken = cli('token', 'create', '--data', server.dataDir, '--workspace', ws.id!, '--role', 'editor', '--name', 'Bob').token!;

    const ada = await launchApp('Ada');
    await new StartScreen(ada.page).join(server.url, ws.token!);
    const adaWs = new WorkspaceScreen(ada.page);
    await expect(ada.page.getByRole('heading', { name: 'Payments model' })).toBeVisible();
    await adaWs.createIncident({ title: 'Chargeback rate drift', severity: 'high' });
    await expect(ada.page.getByRole('heading', { name: 'Chargeback rate drift' })).toBeVisible();

    const bob = await launchApp('Bob');
    await new StartScreen(bob.page).join(server.url, bobToken);
    const bobWs = new WorkspaceScreen(bob.page);
    await bobWs.openIncident('Chargeback rate drift');

    // A second window of Ada's app on the same incident.
    const second = await ada.page.context().newPage();
    await second.goto(ada.page.url());
    const secondWs = new WorkspaceScreen(second);
    await expect(second.getByRole('heading', { name: 'Chargeback rate drift' })).toBeVisible();
    await expect(secondWs.syncStatus()).toHaveAttribute('data-state', 'synced');

    await server.stop();
    await expect(adaWs.syncStatus()).toHaveAttribute('data-state', 'offline');
    await expect(bobWs.syncStatus()).toHaveAttribute('data-state', 'offline');

    // No server: the two windows still see each other's edits, through the host.
    await adaWs.comment('Written in the first window, offline.');
    await expect(secondWs.comments()).toContainText('Written in the first window, offline.');
    await secondWs.comment('Answered from the second window.');
    await expect(adaWs.comments()).toContainText('Answered from the second window.');
    await bobWs.comment('Bob, also offline.');

    // Each app counts what the server does not have yet.
    await expect(adaWs.syncStatus().getByTestId('sync-pending')).toContainText(/[1-9]\d* changes? not yet on the server/);
    await expect(bobWs.syncStatus().getByTestId('sync-pending')).toContainText('1 change not yet on the server');
    // …and keeps it across a reload.
    await bob.page.reload();
    await expect(bobWs.comments()).toContainText('Bob, also offline.');
    await expect(bobWs.syncStatus().getByTestId('sync-pending')).toContainText('1 change not yet on the server');

    await server.start();
    for (const screen of [adaWs, secondWs, bobWs]) {
      await expect(screen.comments()).toContainText('Written in the first window, offline.', { timeout: 20_000 });
      await expect(screen.comments()).toContainText('Answered from the second window.', { timeout: 20_000 });
      await expect(screen.comments()).toContainText('Bob, also offline.', { timeout: 20_000 });
      await expect(screen.syncStatus()).toHaveAttribute('data-state', 'synced', { timeout: 20_000 });
      await expect(screen.syncStatus()).toHaveAttribute('data-pending', '0', { timeout: 20_000 });
    }
  } finally {
    await server.dispose();
  }
});

test('a host killed in the middle of a stream of edits keeps every edit it reported saved', async ({ launchApp }) => {
  const ada = await launchApp('Ada');
  await new StartScreen(ada.page).createWorkspace('Crash test', 'Ada');
  const adaWs = new WorkspaceScreen(ada.page);
  await adaWs.createIncident({ title: 'Feature store lag', severity: 'medium' });
  await expect(ada.page.getByRole('heading', { name: 'Feature store lag' })).toBeVisible();

  const box = ada.page.getByRole('form', { name: 'Add a comment' });
  const submit = async (i: number) => {
    await box.getByLabel('Comment').fill(`edit number ${i}`, { timeout: 2000 });
    await box.getByRole('button', { name: 'Comment' }).click({ timeout: 2000 });
  };
  let reportedSaved = 0;
  const last = 25;
  for (let i = 1; i <= last; i++) {
    await submit(i);
    if (i === last) break;
    await expect(adaWs.comments().getByText(`edit number ${i}`, { exact: true })).toBeVisible();
    // Every third edit, wait for the UI's own claim that nothing is waiting to be written to
    // this device; the ones in between stream on without waiting.
    if (i % 3 === 0) {
      await expect(adaWs.syncStatus()).toHaveAttribute('data-unsaved', '0');
      await expect(adaWs.syncStatus()).toContainText('All changes saved on this device');
      reportedSaved = i;
    }
  }
  // Kill the host right after an edit, and keep typing while it dies.
  const crashing = ada.crash();
  for (let i = last + 1; i <= last + 5; i++) await submit(i).catch(() => {});
  await crashing;
  expect(reportedSaved).toBeGreaterThan(10);

  const again = await ada.restart();
  await again.page.getByRole('button', { name: /Crash test/ }).click();
  const againWs = new WorkspaceScreen(again.page);
  await againWs.openIncident('Feature store lag');
  for (let i = 1; i <= reportedSaved; i++) {
    await expect(againWs.comments().getByText(`edit number ${i}`, { exact: true })).toBeVisible();
  }
});
