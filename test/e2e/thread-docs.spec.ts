/**
 * Conversation docs (issue 20) in the app: a team workspace made the way it was before (a server
 * started with `--no-split-conversations`: comments and the incident's timeline in the workspace
 * doc) is split by `driftdesk workspace split-conversations` while its server is down; when the
 * server is back, both members still see every comment and timeline event, a new comment and a
 * status change go into the incident's conversation doc, and the @mention reaches the inbox.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as Y from 'yjs';
import { ServerStore } from '../../server/store.ts';
import { DOC_KEYS, INCIDENT_EVENTS_KEY, THREAD_EVENTS_KEY, threadDocName } from '../../src/core/workspace/index.ts';
import { freePort } from '../helpers/services';
import { cli, expect, repoRoot, test } from './fixtures';
import { IncidentScreen } from './incident-pages';
import { CommandPaletteScreen, StartScreen, WorkspaceScreen, workspaceIdFrom } from './pages';
import { killTeamServer, startTeamServer } from './team-server';

test('a split workspace shows every comment, takes new ones in the conversation doc, and the mention reaches the inbox', async ({ launchApp }) => {
  test.setTimeout(150_000);
  const root = mkdtempSync(join(tmpdir(), 'driftdesk-threads-e2e-'));
  const port = await freePort();
  const teamUrl = `http://127.0.0.1:${port}`;
  const data = join(root, 'team');
  const created = cli('workspace', 'create', '--data', data, '--name', 'Label quality', '--owner', 'Ada');
  const bobToken = cli('token', 'create', '--data', data, '--workspace', created.id!, '--role', 'commenter', '--name', 'Bob');
  let server = await startTeamServer(data, port, ['--no-split-conversations']);
  try {
    const bob = await launchApp('Bob');
    await new StartScreen(bob.page).join(teamUrl, bobToken.token!);
    await expect(bob.page.getByRole('heading', { name: 'Label quality' })).toBeVisible();
    const ada = await launchApp('Ada');
    await new StartScreen(ada.page).join(teamUrl, created.token!);
    await expect(ada.page.getByRole('heading', { name: 'Label quality' })).toBeVisible();
    const ws = workspaceIdFrom(ada.page);
    const adaWs = new WorkspaceScreen(ada.page);
    const bobWs = new WorkspaceScreen(bob.page);
    await adaWs.createIncident({ title: 'Label noise after vendor switch', severity: 'high' });
    await adaWs.comment('Written before the split.');
    await expect(adaWs.comments()).toContainText('Written before the split.');
    const adaIncident = new IncidentScreen(ada.page);
    await adaIncident.step('Acknowledge');
    await expect(adaIncident.timeline()).toContainText('Ada acknowledged');
    await expect(adaWs.syncStatus()).toHaveAttribute('data-state', 'synced');

    await killTeamServer(server);
    const report = cli('workspace', 'split-conversations', ws, '--data', data) as unknown as { comments: number; conversations: number; events: number };
    expect(report).toMatchObject({ comments: 1, conversations: 1, events: 1 });
    server = await startTeamServer(data, port);

    await expect(adaWs.syncStatus()).toHaveAttribute('data-state', 'synced', { timeout: 30_000 });
    await expect(adaWs.comments()).toContainText('Written before the split.');
    await expect(adaIncident.timeline()).toContainText('Ada acknowledged');
    // After the split the status change's event goes into the incident's conversation doc.
    await adaIncident.step('Start investigating');
    await expect(adaIncident.timeline()).toContainText('Ada started investigating');
    await adaWs.comment('After the split, @Bob please check the labeling job');
    await expect(adaWs.comments()).toContainText('After the split, @Bob');

    // Bob has not opened the incident since the split: his host fetched its conversation doc
    // (the comment left his cached workspace doc), and search finds the comment in it.
    const palette = new CommandPaletteScreen(bob.page);
    await palette.open();
    await expect(async () => {
      await palette.type('Written befor');
      await palette.type('Written before the split');
      await expect(palette.option(/Comment by Ada/)).toBeVisible({ timeout: 1000 });
    }).toPass({ timeout: 30_000 });
    await bob.page.keyboard.press('Escape');

    await bobWs.openIncident('Label noise after vendor switch');
    await expect(bobWs.comments()).toContainText('Written before the split.');
    await expect(bobWs.comments()).toContainText('After the split, @Bob please check the labeling job');
    const bobIncident = new IncidentScreen(bob.page);
    await expect(bobIncident.timeline()).toContainText('Ada acknowledged');
    await expect(bobIncident.timeline()).toContainText('Ada started investigating');
    await expect(bobIncident.status()).toContainText('investigating');
    await bob.page.getByRole('link', { name: /^Inbox/ }).click();
    const item = bob.page.getByRole('list', { name: 'Mentions' }).getByRole('listitem');
    await expect(item).toHaveCount(1);
    await expect(item).toContainText('Ada mentioned you in a comment on the incident “Label noise after vendor switch”');
    await item.getByRole('link').click();
    await expect(bob.page.locator('.comment[data-focused]')).toContainText('After the split, @Bob');
    await bob.page.setViewportSize({ width: 1400, height: 900 });
    await bob.page.screenshot({ path: join(repoRoot, 'test-results', 'screens', 'split-workspace-incident-1400.png') });

    // What the server stored: the new comment in the incident's conversation doc, none in the workspace doc.
    await expect(adaWs.syncStatus()).toHaveAttribute('data-state', 'synced');
    await killTeamServer(server);
    const store = new ServerStore(data);
    try {
      const workspace = new Y.Doc();
      Y.applyUpdate(workspace, store.loadDoc(ws));
      expect(workspace.getMap(DOC_KEYS.comments).size).toBe(0);
      const incidentId = [...workspace.getMap(DOC_KEYS.incidents).keys()][0]!;
      const conversation = new Y.Doc();
      Y.applyUpdate(conversation, store.loadDoc(threadDocName(ws, { kind: 'incident', id: incidentId })));
      expect([...conversation.getMap<{ body: string }>(DOC_KEYS.comments).values()].map((c) => c.body).sort()).toEqual([
        'After the split, @Bob please check the labeling job',
        'Written before the split.',
      ]);
      expect(workspace.getMap(DOC_KEYS.threadSummaries).get(`incident:${incidentId}`)).toMatchObject({ count: 2, lastByName: 'Ada' });
      // The timeline too: both status events in the conversation doc, none left on the incident.
      expect(conversation.getArray<{ kind: string; to?: string; byName: string }>(THREAD_EVENTS_KEY).toArray().map((e) => `${e.kind} ${e.to} ${e.byName}`)).toEqual(['status acknowledged Ada', 'status investigating Ada']);
      expect((workspace.getMap<Y.Map<unknown>>(DOC_KEYS.incidents).get(incidentId)!.get(INCIDENT_EVENTS_KEY) as Y.Array<unknown>).length).toBe(0);
      expect(workspace.getMap(DOC_KEYS.meta).get('timelines')).toBe('threads');
    } finally {
      store.close();
    }
  } finally {
    await killTeamServer(server);
    rmSync(root, { recursive: true, force: true });
  }
});
