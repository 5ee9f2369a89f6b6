/**
 * A team's day (issue 18), five members in five browser contexts on one workspace:
 * Ada (owner, data scientist), Max (editor, ML engineer), Olu (editor, ops), Cleo (commenter)
 * and Vic (viewer). They work one incident, change roles both ways while editing, ask for a
 * retrain that fails and then succeeds, mention each other from an incident comment, a handoff
 * message and a note, open each mention from the inbox, and keep a note's comment thread anchored
 * in three windows through delete, undo and redo. Each step asserts what each person sees.
 *
 * As in live-role.spec.ts, Olu's sync socket passes through Playwright so his demotion can be
 * held back while he edits: his app still believes he is an editor while the server says viewer.
 */
import { createServer } from 'node:http';
import { join } from 'node:path';
import type { Page, WebSocketRoute } from '@playwright/test';
import { type RunningApp, cli, expect, repoRoot, test } from './fixtures';
import { IncidentScreen } from './incident-pages';
import { NotesScreen, StartScreen, WorkspaceScreen } from './pages';
import { RegistryScreen } from './registry-pages';
import { seedTrainingRun } from './registry-seeds';

// A step that cannot happen fails in seconds, not at the end of the day's long timeout.
test.use({ actionTimeout: 20_000 });

const INCIDENT = 'PSI on tenure_months above 0.2';
const NOTE = 'Tenure feed postmortem';

/** Opens this person's inbox and the mention whose line contains `what`; returns the item's text. */
async function openFromInbox(page: Page, what: string | RegExp): Promise<string> {
  await page.getByRole('link', { name: /^Inbox/ }).click();
  const item = page.getByRole('list', { name: 'Mentions' }).getByRole('listitem').filter({ hasText: what });
  await expect(item).toHaveAttribute('data-unread', 'true');
  const text = (await item.textContent()) ?? '';
  await item.getByRole('link').click();
  return text;
}

test('a team of five works a day: roles change while editing, a retrain recovers, every mention finds its reader, note anchors agree in three windows', async ({ launchApp }) => {
  test.setTimeout(480_000); // five apps on a shared machine

  // A retrain receiver that is down for the first attempt and takes the second.
  const retrainHits: number[] = [];
  const receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      retrainHits.push(Date.now());
      res.writeHead(retrainHits.length === 1 ? 503 : 200).end(retrainHits.length === 1 ? 'busy' : 'queued');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  const receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/retrain`;

  try {
    // ── Morning: Ada opens the workspace; the others join with their tokens. ──
    const ada = await launchApp('Ada');
    const start = new StartScreen(ada.page);
    const serverUrl = await start.localServerUrl();
    const workspaceId = await start.createWorkspace('Churn team', 'Ada');
    const serverData = join(ada.dataDir, 'server');
    const token = (name: string, role: string) => cli('token', 'create', '--data', serverData, '--workspace', workspaceId, '--role', role, '--name', name);
    const setRole = (member: string, role: string) => cli('token', 'role', '--data', serverData, '--workspace', workspaceId, '--member', member, '--role', role);
    const [maxT, oluT, cleoT, vicT] = [token('Max', 'editor'), token('Olu', 'editor'), token('Cleo', 'commenter'), token('Vic', 'viewer')];
    // The ML engineer's pipeline logged last night's training run.
    await seedTrainingRun({ serverUrl, workspaceId, token: maxT.token!, memberName: 'Max' }, 'logreg-2026-12-06');

    const join5 = async (name: string, t: Record<string, string>, before?: (app: RunningApp) => Promise<void>) => {
      const app = await launchApp(name);
      await before?.(app);
      await new StartScreen(app.page).join(serverUrl, t.token!);
      await expect(app.page.getByRole('heading', { name: 'Churn team' })).toBeVisible();
      return app;
    };
    const max = await join5('Max', maxT);
    // Olu's sync sockets pass through here; `held` keeps what the server sends until released.
    let held: { route: WebSocketRoute; message: string | Buffer }[] | null = null;
    const olu = await join5('Olu', oluT, async (app) => {
      await app.page.routeWebSocket(/\/sync\//, (ws) => {
        const server = ws.connectToServer();
        server.onMessage((message) => (held ? held.push({ route: ws, message }) : ws.send(message)));
        ws.onMessage((message) => server.send(message));
      });
    });
    const cleo = await join5('Cleo', cleoT);
    const vic = await join5('Vic', vicT);
    const team = { ada, max, olu, cleo, vic };
    for (const [name, role] of [['Ada', 'owner'], ['Max', 'editor'], ['Olu', 'editor'], ['Cleo', 'commenter'], ['Vic', 'viewer']] as const) {
      const app = team[name.toLowerCase() as keyof typeof team];
      await expect(app.page.getByTestId('you-are')).toHaveText(`You are ${name} (${role})`);
    }
    // Only owners and editors are shown the webhooks.
    await expect(ada.page.getByRole('link', { name: 'Webhooks' })).toBeVisible();
    await expect(cleo.page.getByRole('link', { name: 'Webhooks' })).toHaveCount(0);
    await expect(vic.page.getByRole('link', { name: 'Webhooks' })).toHaveCount(0);

    const a = new RegistryScreen(ada.page);
    await a.setTeamRole('Ada', 'data scientist');
    await a.setTeamRole('Max', 'ML engineer');
    await a.setTeamRole('Olu', 'ops engineer');
    await vic.page.getByRole('link', { name: 'Members' }).click();
    await expect(vic.page.getByRole('row', { name: /Olu/ })).toContainText('ops engineer');
    await expect(vic.page.getByRole('row', { name: /Max/ })).toContainText('ML engineer');

    // ── An incident, and a comment that mentions two people. ──
    const adaWs = new WorkspaceScreen(ada.page);
    await adaWs.createIncident({ title: INCIDENT, severity: 'high', description: 'Since the vendor switch on Monday.' });
    await expect(ada.page.getByRole('heading', { name: INCIDENT })).toBeVisible();
    // A long page, as a busy incident's is: the mention lands below the fold.
    for (let hour = 1; hour <= 10; hour++) await adaWs.comment(`Hourly check ${hour}: PSI on tenure_months is 0.2${hour}.`);
    await expect(adaWs.comments()).toContainText('Hourly check 10');
    await adaWs.comment('@Max @Cleo the tenure feed changed on Monday; can you check the nulls?');

    for (const app of [max, cleo]) {
      await expect(app.page.getByTestId('inbox-unread')).toHaveText('1');
      const line = await openFromInbox(app.page, INCIDENT);
      expect(line).toContain(`Ada mentioned you in a comment on the incident “${INCIDENT}”`);
      expect(line).toContain('“@Max @Cleo the tenure feed changed on Monday; can you check the nulls?”');
      await expect(app.page.getByRole('heading', { name: INCIDENT })).toBeVisible();
      const opened = app.page.locator('.comment[data-focused]');
      await expect(opened).toContainText('the tenure feed changed on Monday');
      await expect(opened).toHaveClass(/highlighted/);
      await expect(opened).toBeInViewport();
      await expect(opened).toBeFocused();
      await expect(app.page.getByTestId('inbox-unread')).toHaveCount(0);
    }
    // Cleo, a commenter, replies and mentions Ada; Vic, a viewer, reads it all but has no box.
    const cleoIncident = new IncidentScreen(cleo.page);
    await cleoIncident.reply('the tenure feed changed', '@Ada the vendor sends empty strings now, not NULL.');
    await expect(ada.page.getByTestId('inbox-unread')).toHaveText('1');
    await vic.page.getByRole('link', { name: 'Incidents', exact: true }).click();
    await new WorkspaceScreen(vic.page).openIncident(INCIDENT);
    const vicIncident = new IncidentScreen(vic.page);
    await expect(vicIncident.thread('the tenure feed changed')).toContainText('the vendor sends empty strings now');
    await expect(vic.page.getByRole('form', { name: 'Add a comment' })).toHaveCount(0);
    await expect(vicIncident.details().getByRole('region', { name: 'Severity' }).getByLabel('Severity')).toHaveCount(0);
    await expect(vic.page.getByRole('button', { name: 'Request retrain' })).toHaveCount(0);

    // ── Olu is demoted to viewer while he edits the severity; later promoted again. ──
    const oluWs = new WorkspaceScreen(olu.page);
    await oluWs.openIncident(INCIDENT);
    const oluSeverity = olu.page.getByRole('region', { name: 'Severity' });
    await expect(oluWs.syncStatus()).toHaveAttribute('data-state', 'synced');
    held = [];
    setRole(oluT.member!, 'viewer');
    await ada.page.getByRole('link', { name: 'Members' }).click();
    await expect(ada.page.getByRole('row', { name: /Olu viewer/ })).toBeVisible();
    await oluSeverity.getByLabel('Severity').selectOption('low');
    await olu.page.waitForTimeout(500); // the edit reaches the server, which refuses it
    const release = held;
    held = null;
    for (const { route, message } of release) route.send(message);
    await expect(olu.page.getByTestId('you-are')).toHaveText('You are Olu (viewer)');
    await expect(olu.page.getByTestId('role-notice')).toHaveText('An owner changed your role from editor to viewer: editing is off: you can read this workspace but not change it.');
    const notSent = olu.page.getByTestId('refused-edits');
    await expect(notSent).toContainText('Not sent: the server refused your change (viewers cannot change this workspace)');
    await expect(notSent.getByTestId('refused-text')).toContainText('severity: low');
    // One change, refused in two docs (the severity in the workspace doc, its timeline event in
    // the incident's conversation doc): one entry to copy or discard.
    await expect(notSent.getByRole('button', { name: 'Discard' })).toHaveCount(1);
    await olu.page.setViewportSize({ width: 1400, height: 900 });
    await olu.page.screenshot({ path: join(repoRoot, 'test-results', 'screens', 'refused-change-1400.png') });
    await expect(oluSeverity.getByLabel('Severity')).toHaveCount(0);
    await expect(oluSeverity).toContainText('high');
    await notSent.getByRole('button', { name: 'Discard' }).click();
    await expect(notSent).toHaveCount(0);
    // Nobody else saw "low".
    const maxIncident = new IncidentScreen(max.page);
    await expect(maxIncident.details().getByRole('region', { name: 'Severity' }).getByLabel('Severity')).toHaveValue('high');
    await expect(vicIncident.details().getByRole('region', { name: 'Severity' })).toContainText('high');

    setRole(oluT.member!, 'editor');
    await expect(olu.page.getByTestId('you-are')).toHaveText('You are Olu (editor)');
    await expect(olu.page.getByTestId('role-notice')).toHaveText('An owner changed your role from viewer to editor: editing is on again.');
    await oluSeverity.getByLabel('Severity').selectOption('critical');
    await expect(maxIncident.details().getByRole('region', { name: 'Severity' }).getByLabel('Severity')).toHaveValue('critical');
    await expect(vicIncident.details().getByRole('region', { name: 'Severity' })).toContainText('critical');
    await expect(vicIncident.timeline()).toContainText('Olu raised the severity from high to critical');
    await expect(vicIncident.timeline()).not.toContainText('low');
    await expect(oluWs.syncStatus()).toHaveAttribute('data-pending', '0');

    // ── Vic is promoted to commenter: the comment box appears; demoted again, it goes. ──
    setRole(vicT.member!, 'commenter');
    await expect(vic.page.getByTestId('you-are')).toHaveText('You are Vic (commenter)');
    await expect(vic.page.getByTestId('role-notice')).toHaveText('An owner changed your role from viewer to commenter: you can read and comment, but not edit.');
    const vicWs = new WorkspaceScreen(vic.page);
    await vicWs.comment('The dashboards agree: tenure nulls jump on Monday.');
    await expect(maxIncident.timeline()).toContainText('The dashboards agree: tenure nulls jump on Monday.');
    setRole(vicT.member!, 'viewer');
    await expect(vic.page.getByTestId('you-are')).toHaveText('You are Vic (viewer)');
    await expect(vic.page.getByRole('form', { name: 'Add a comment' })).toHaveCount(0);
    await expect(vicIncident.timeline()).toContainText('The dashboards agree');

    // ── A retrain: the receiver is down at first, takes the retry; the timeline says so. ──
    await ada.page.getByRole('link', { name: 'Webhooks' }).click();
    const hookForm = ada.page.getByRole('form', { name: 'Add a webhook' });
    await hookForm.getByLabel('URL').fill(receiverUrl);
    await hookForm.getByLabel('Sends').selectOption('retrain');
    await hookForm.getByRole('button', { name: 'Add webhook' }).click();
    await expect(ada.page.getByRole('table', { name: 'Webhooks' })).toContainText(receiverUrl);
    await max.page.getByRole('button', { name: 'Request retrain' }).click();
    await expect(max.page.getByRole('region', { name: 'Retrain' }).getByRole('status')).toContainText('Not taken yet');
    await expect(max.page.getByRole('region', { name: 'Retrain' }).getByRole('status')).toContainText('retrying in the background');
    await expect.poll(() => retrainHits.length, { timeout: 15_000 }).toBe(2);
    const retrainLine = (app: RunningApp) => new IncidentScreen(app.page).timeline().getByRole('listitem').filter({ hasText: /retrain:/ });
    for (const app of [max, vic, olu]) {
      await expect(retrainLine(app)).toHaveCount(1);
      await expect(retrainLine(app)).toContainText('Max retrain: done');
      await expect(retrainLine(app)).toContainText('delivered (200) after 2 attempts');
      await expect(retrainLine(app)).not.toContainText('retrying');
    }
    await expect(ada.page.getByRole('table', { name: 'Deliveries' }).getByRole('row', { name: /retrain\.requested/ })).toContainText('delivered', { timeout: 10_000 });

    // ── A handoff message that mentions Max, picked with the keyboard. ──
    await a.openModels();
    const newModel = ada.page.getByRole('form', { name: 'New model' });
    await newModel.getByLabel('Name').fill('churn-classifier');
    await newModel.getByRole('button', { name: 'Create model' }).click();
    await expect(ada.page.getByRole('heading', { name: 'churn-classifier' })).toBeVisible();
    const register = ada.page.getByRole('form', { name: 'Register a version' });
    const runSelect = register.getByLabel('Run');
    await runSelect.selectOption((await runSelect.locator('option', { hasText: 'logreg-2026-12-06' }).getAttribute('value'))!);
    await register.getByLabel('Label (optional)').fill('1.0.0');
    await register.getByRole('button', { name: 'Register version' }).click();
    await expect(ada.page.getByRole('heading', { name: 'churn-classifier v1 (1.0.0)' })).toBeVisible();
    // Each app has its own host: the version's route, not Ada's URL, is what the others open.
    const versionRoute = new URL(ada.page.url()).hash;
    const baseline = ada.page.getByRole('form', { name: 'Drift baseline' });
    await baseline.getByLabel('Baseline dataset version').selectOption({ index: 1 });
    await baseline.getByRole('button', { name: 'Set baseline' }).click();
    const request = ada.page.getByRole('form', { name: 'Request a handoff' });
    await request.getByRole('radio', { name: /^to ML engineering/ }).check();
    const message = request.getByRole('combobox', { name: /^Message to/ });
    await message.click();
    await message.pressSequentially('Ready for review, @ma');
    await expect(ada.page.getByRole('listbox', { name: 'Members to mention' }).getByRole('option')).toHaveText([/^@Max/]);
    await message.press('Enter');
    await message.pressSequentially('the calibration plot is in the model card.');
    await expect(message).toHaveValue('Ready for review, @Max the calibration plot is in the model card.');
    await request.getByRole('button', { name: 'Request handoff to ML engineering' }).click();
    await expect(ada.page.getByRole('heading', { name: /^Handoff to ML engineering/ })).toBeVisible();

    const m = new RegistryScreen(max.page);
    await expect(m.waitingCount()).toHaveText('1');
    await expect(max.page.getByTestId('inbox-unread')).toHaveText('1');
    const handoffLine = await openFromInbox(max.page, 'handoff');
    expect(handoffLine).toContain('Ada mentioned you in the handoff of churn-classifier 1.0.0');
    expect(handoffLine).toContain('Ready for review, @Max the calibration plot');
    await expect(max.page.getByRole('heading', { name: /^Handoff to ML engineering: churn-classifier/ })).toBeVisible();
    const request1 = max.page.getByRole('list', { name: 'Decisions' }).locator('li[data-focused]');
    await expect(request1).toContainText('Ready for review, @Max the calibration plot is in the model card.');
    await expect(request1).toHaveClass(/highlighted/);
    await expect(request1).toBeInViewport();
    await expect(request1).toBeFocused();
    // Neither the commenter nor the viewer is offered a handoff form on the version.
    for (const app of [cleo, vic]) {
      await app.page.evaluate((route) => (location.hash = route), versionRoute);
      await expect(app.page.getByRole('heading', { name: 'churn-classifier v1 (1.0.0)' })).toBeVisible();
      await expect(app.page.getByRole('form', { name: 'Request a handoff' })).toHaveCount(0);
    }

    // ── A note that mentions Olu far down its text. ──
    const adaNotes = new NotesScreen(ada.page);
    await adaNotes.create(NOTE);
    await adaNotes.caretAt(1);
    const filler = Array.from({ length: 40 }, (_, i) => `- check ${i + 1}: done`);
    await adaNotes.insert(['# Tenure feed postmortem', 'The vendor switched on Monday.', 'Retrain weekly on the last 90 days of data.', '', ...filler, '', '@Olu please own the backfill.', ''].join('\n'));
    await expect(olu.page.getByTestId('inbox-unread')).toHaveText('1', { timeout: 15_000 });
    const noteLine = await openFromInbox(olu.page, NOTE);
    expect(noteLine).toContain(`Ada mentioned you in the note “${NOTE}”`);
    expect(noteLine).toContain('@Olu please own the backfill.');
    const oluNotes = new NotesScreen(olu.page);
    await expect(oluNotes.title()).toHaveText(NOTE);
    const mark = oluNotes.editor().locator('.note-mention-focused');
    await expect(mark).toHaveText('@Olu');
    await expect(mark).toBeInViewport();

    // ── Comment threads on the note, in three windows: Ada, Max and Cleo. ──
    const maxNotes = new NotesScreen(max.page);
    const cleoNotes = new NotesScreen(cleo.page);
    await maxNotes.openNote(NOTE);
    await cleoNotes.openNote(NOTE);
    await cleoNotes.caretAt(3, 'Retrain weekly on the '.length);
    await cleoNotes.selectRight('last 90 days'.length);
    await cleo.page.getByRole('button', { name: 'Comment on selection' }).click();
    await expect(cleo.page.getByTestId('pending-quote')).toContainText('last 90 days');
    await cleoNotes.comment('Why 90 days and not 180?');
    const windows = [adaNotes, maxNotes, cleoNotes];
    for (const notes of windows) await expect(notes.comments()).toContainText('Why 90 days and not 180?');
    const maxThread = max.page.getByRole('article', { name: 'Thread started by Cleo' });
    await maxThread.getByRole('button', { name: 'Reply' }).click();
    await maxThread.getByRole('combobox', { name: 'Reply' }).fill('@Cleo 90 days starts after the vendor switch.');
    await maxThread.getByRole('button', { name: 'Send reply' }).click();
    for (const notes of windows) await expect(notes.page.getByRole('list', { name: 'Replies to Cleo' })).toContainText('90 days starts after the vendor switch.');
    await expect(cleo.page.getByTestId('inbox-unread')).toHaveText('1');

    /** Every window shows the comment anchored on `words` (highlighted when chosen), or all say removed. */
    const expectAnchor = async (words: string | null) => {
      for (const notes of windows) {
        const item = notes.comments().getByTestId('note-comment').filter({ hasText: 'Why 90 days and not 180?' });
        if (words === null) {
          await expect(item).toContainText('Text was removed');
          await expect(item.getByRole('button', { name: /last 90 days/ })).toHaveCount(0);
        } else {
          await expect(item).not.toContainText('Text was removed');
          const quote = item.getByRole('button', { name: /last 90 days/ });
          if ((await quote.getAttribute('aria-pressed')) !== 'true') await quote.click();
          await expect.poll(() => notes.highlighted()).toBe(words);
        }
      }
    };
    await expectAnchor('last 90 days');
    // Max deletes the words, undoes, redoes, undoes: every window agrees at each step.
    await maxNotes.caretAt(3, 'Retrain weekly on the '.length);
    await maxNotes.selectRight('last 90 days'.length);
    await max.page.keyboard.press('Delete');
    for (const notes of windows) await expect(notes.preview()).toContainText('Retrain weekly on the  of data.');
    await expectAnchor(null);
    await max.page.keyboard.press('Control+Z');
    for (const notes of windows) await expect(notes.preview()).toContainText('Retrain weekly on the last 90 days of data.');
    await expectAnchor('last 90 days');
    await maxNotes.editor().locator('.view-lines').click();
    await max.page.keyboard.press('Control+Shift+Z');
    for (const notes of windows) await expect(notes.preview()).toContainText('Retrain weekly on the  of data.');
    await expectAnchor(null);
    await max.page.keyboard.press('Control+Z');
    await expectAnchor('last 90 days');

    // Ada resolves the thread; the commenter sees who did.
    await ada.page.getByRole('article', { name: 'Thread started by Cleo' }).getByRole('button', { name: 'Resolve thread' }).click();
    await expect(cleo.page.getByRole('article', { name: 'Thread started by Cleo' })).toContainText('Resolved by Ada');
    await expect(max.page.getByRole('article', { name: 'Thread started by Cleo' })).toContainText('Resolved by Ada');

    // End of the day: every app is synced with nothing waiting, and Vic is still a viewer.
    for (const app of [ada, max, olu, cleo, vic]) {
      await expect(app.page.getByTestId('sync-status')).toHaveAttribute('data-state', 'synced');
      await expect(app.page.getByTestId('sync-status')).toHaveAttribute('data-pending', '0');
    }
    await expect(vic.page.getByTestId('you-are')).toHaveText('You are Vic (viewer)');
  } finally {
    await new Promise<void>((r) => receiver.close(() => r()));
  }
});
