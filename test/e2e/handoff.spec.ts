import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { cli, expect, repoRoot, test } from './fixtures';
import { shownNotifications, watchNotifications } from './notifications';
import { StartScreen } from './pages';
import { RegistryScreen } from './registry-pages';
import { seedTrainingRun } from './registry-seeds';

const SCREENS = join(repoRoot, 'test-results', 'screens');

test('a model version goes from data science to ML engineering to ops, with changes asked for, and production moves', async ({ launchApp }) => {
  test.setTimeout(240_000); // three apps on a shared machine
  mkdirSync(SCREENS, { recursive: true });

  // Ada owns the workspace and runs it in production (ops); Dana trains models; Max builds the serving side.
  const ada = await launchApp('Ada');
  const start = new StartScreen(ada.page);
  const serverUrl = await start.localServerUrl();
  const workspaceId = await start.createWorkspace('Churn', 'Ada');
  const serverData = join(ada.dataDir, 'server');
  const danaToken = cli('token', 'create', '--data', serverData, '--workspace', workspaceId, '--role', 'editor', '--name', 'Dana').token!;
  const maxToken = cli('token', 'create', '--data', serverData, '--workspace', workspaceId, '--role', 'editor', '--name', 'Max').token!;
  await seedTrainingRun({ serverUrl, workspaceId, token: danaToken, memberName: 'Dana' }, 'logreg-2026-11-20');

  const dana = await launchApp('Dana');
  await watchNotifications(dana.page);
  await new StartScreen(dana.page).join(serverUrl, danaToken);
  await expect(dana.page.getByRole('heading', { name: 'Churn' })).toBeVisible();
  const max = await launchApp('Max');
  await watchNotifications(max.page);
  await new StartScreen(max.page).join(serverUrl, maxToken);
  await expect(max.page.getByRole('heading', { name: 'Churn' })).toBeVisible();
  await watchNotifications(ada.page);

  const a = new RegistryScreen(ada.page);
  const d = new RegistryScreen(dana.page);
  const m = new RegistryScreen(max.page);

  // Only owners set team roles; everyone sees them.
  await d.page.getByRole('link', { name: 'Members' }).click();
  await expect(d.page.getByLabel('Team role of Dana')).toHaveCount(0);
  await a.setTeamRole('Dana', 'data scientist');
  await a.setTeamRole('Max', 'ML engineer');
  await a.setTeamRole('Ada', 'ops engineer');
  await expect(d.page.getByRole('row', { name: /Max/ })).toContainText('ML engineer');
  await ada.page.screenshot({ path: join(SCREENS, 'members-team-roles.png') });

  // Dana registers a model and its first version from her run.
  await d.openModels();
  await expect(d.page.getByText('No models yet.')).toBeVisible();
  const newModel = d.page.getByRole('form', { name: 'New model' });
  await newModel.getByLabel('Name').fill('churn-classifier');
  await newModel.getByLabel('Description').fill('Who cancels next month');
  await newModel.getByRole('button', { name: 'Create model' }).click();
  await expect(d.page.getByRole('heading', { name: 'churn-classifier' })).toBeVisible();
  const register = d.page.getByRole('form', { name: 'Register a version' });
  const runSelect = register.getByLabel('Run');
  await runSelect.selectOption((await runSelect.locator('option', { hasText: 'logreg-2026-11-20' }).getAttribute('value'))!);
  await register.getByLabel('Label (optional)').fill('1.0.0');
  await register.getByRole('button', { name: 'Register version' }).click();
  await expect(d.page.getByRole('heading', { name: 'churn-classifier v1 (1.0.0)' })).toBeVisible();

  // The version's reproducibility checklist is its run's, with the score the handoff checks.
  const repro = d.page.getByRole('region', { name: 'Reproducibility' });
  await expect(repro.getByRole('list', { name: 'Reproducibility checklist' }).getByRole('listitem')).toHaveCount(5);
  await expect(repro.getByRole('meter', { name: 'Reproducibility score' })).toHaveAttribute('value', /^\d+$/);

  // The checklist preview: everything but the drift baseline holds; Dana sets it.
  const request = d.page.getByRole('form', { name: 'Request a handoff' });
  const preview = request.getByRole('list', { name: 'Preview: automatic checks' });
  await expect(preview.getByRole('listitem').filter({ hasText: 'Metrics attached' })).toContainText('passed: 2 metrics: auc, f1');
  await expect(preview.getByRole('listitem').filter({ hasText: 'Drift baseline set' })).toContainText('failed');
  // Handing to ops is not hers to ask, and it says who can.
  await request.getByRole('radio', { name: /^to ops/ }).check();
  await expect(request.getByRole('button', { name: 'Request handoff to ops' })).toBeDisabled();
  await expect(request).toContainText('Only an ML engineer can request this handoff (here: Max).');
  const baseline = d.page.getByRole('form', { name: 'Drift baseline' });
  await baseline.getByLabel('Baseline dataset version').selectOption({ index: 1 });
  await baseline.getByRole('button', { name: 'Set baseline' }).click();
  await expect(d.page.getByRole('definition').filter({ hasText: 'churn-train · churn-train.csv' })).toBeVisible();
  await request.getByRole('radio', { name: /^to ML engineering/ }).check();
  await expect(preview.getByRole('listitem').filter({ hasText: 'Drift baseline set' })).toContainText('passed');
  await dana.page.screenshot({ path: join(SCREENS, 'model-version.png'), fullPage: true });
  await d.requestHandoff('to ML engineering', 'Beats the baseline by 3 points of AUC.', 'Fairness report reviewed');
  await expect(d.handoffStatus()).toHaveText('waiting for review');

  // Ada is ops: this one is not hers to decide or tick, and the page says why.
  await a.openModels();
  await a.page.getByRole('link', { name: 'All handoffs →' }).click();
  await expect(a.page.getByText('Nothing waits for you.')).toBeVisible();
  await a.page.getByRole('button', { name: 'Open', exact: true }).click();
  await a.page.getByRole('list', { name: 'Handoffs' }).getByRole('link', { name: /to ML engineering/ }).click();
  await expect(a.action('Accept')).toBeDisabled();
  expect(await a.actionReason('Accept')).toBe('Waiting for an ML engineer');
  expect(await a.actionReason('Withdraw')).toBe('Only the data scientist who asked can withdraw');
  await expect(a.page.getByRole('list', { name: 'Checklist: manual checks' }).getByRole('checkbox')).toHaveCount(0);
  await expect(a.page.getByRole('region', { name: 'Checklist' })).toContainText('Only the data scientist asking or the ML engineer receiving can tick items.');
  await ada.page.screenshot({ path: join(SCREENS, 'handoff-wrong-role.png'), fullPage: true });

  // Max: it waits for him (sidebar count, notification, the list on the models page).
  await expect(m.waitingCount()).toHaveText('1');
  await expect.poll(() => shownNotifications(max.page)).toEqual([
    { title: 'Waiting for you: churn-classifier v1 (1.0.0) to ML engineering', body: 'Dana (data scientist) asks an ML engineer to review' },
  ]);
  await m.openModels();
  await m.page.getByRole('list', { name: 'Handoffs waiting for me' }).getByRole('link', { name: /churn-classifier v1/ }).click();
  expect(await m.actionReason('Accept')).toContain('Not yet: Evaluation on held-out data reviewed; Model card written (intended use, limits); Fairness report reviewed');
  expect(await m.actionReason('Ask for changes')).toBe('Say why in the comment box first');
  expect(await m.actionReason('Resubmit')).toBe('A handoff waiting for a decision cannot be resubmitted');
  await m.decide('Ask for changes', 'Add the calibration plot to the model card, please.');
  await expect(m.handoffStatus()).toHaveText('changes requested');
  await expect(m.waitingCount()).toHaveCount(0);
  const maxComment = m.page.getByRole('form', { name: 'Add a comment' });
  await maxComment.getByLabel('Comment').fill('@Dana the calibration notebook is in the repo under eval/.');
  await maxComment.getByRole('button', { name: 'Comment', exact: true }).click();
  await expect(m.page.getByRole('list', { name: 'Comments' })).toContainText('the calibration notebook is in the repo under eval/.');

  // Dana: the changes wait for her; she resubmits.
  await expect(d.waitingCount()).toHaveText('1');
  await expect.poll(() => shownNotifications(dana.page)).toContainEqual({ title: 'Waiting for you: churn-classifier v1 (1.0.0) to ML engineering', body: 'changes were asked for: resubmit or withdraw' });
  // The mention reaches her inbox, which leads back to the handoff.
  await expect(d.page.getByTestId('inbox-unread')).toHaveText('1');
  await d.page.getByRole('link', { name: /^Inbox/ }).click();
  const mention = d.page.getByRole('list', { name: 'Mentions' }).getByRole('listitem');
  await expect(mention).toContainText('Max mentioned you in a comment on the handoff of “churn-classifier 1.0.0”');
  await mention.getByRole('link').click();
  await expect(d.page.getByRole('heading', { name: /^Handoff to ML engineering/ })).toBeVisible();
  await expect(d.page.getByRole('list', { name: 'Decisions' })).toContainText('Max (ML engineer) asked for changes');
  await expect(d.page.getByRole('list', { name: 'Decisions' })).toContainText('Add the calibration plot to the model card, please.');
  await d.decide('Resubmit');
  await expect(d.handoffStatus()).toHaveText('waiting for review');

  // Max ticks the manual items and accepts, then hands the version to ops.
  await expect(m.handoffStatus()).toHaveText('waiting for review');
  await m.tickAll();
  await expect(m.action('Accept')).toBeEnabled();
  await max.page.screenshot({ path: join(SCREENS, 'handoff-review.png'), fullPage: true });
  await m.decide('Accept');
  await expect(m.handoffStatus()).toHaveText('accepted');
  await m.page.getByRole('link', { name: /^churn-classifier v1/ }).click();
  await m.requestHandoff('to ops', 'Serving image built; p99 38 ms at 200 rps.');

  // Ada (ops) accepts and moves production.
  await expect(a.waitingCount()).toHaveText('1');
  await a.openModels();
  await a.page.getByRole('list', { name: 'Handoffs waiting for me' }).getByRole('link', { name: /to ops/ }).click();
  await expect(a.page.getByRole('list', { name: 'Checklist: automatic checks' })).toContainText('Reproducibility score ≥ 70 — passed');
  await a.tickAll();
  await a.decide('Accept');
  await expect(a.handoffStatus()).toHaveText('accepted');
  await a.page.getByRole('button', { name: 'Move production to v1' }).click();
  await expect(a.page.getByText('production points to v1 (1.0.0).')).toBeVisible();
  await ada.page.screenshot({ path: join(SCREENS, 'handoff-accepted.png'), fullPage: true });

  // The audit trail tells the whole story, in both windows.
  const steps = [
    'Dana registered v1 (1.0.0) from a run',
    'Dana asked for the handoff to ML engineering of v1 (1.0.0): “Beats the baseline by 3 points of AUC.”',
    'Max asked for changes to the handoff to ML engineering of v1 (1.0.0): “Add the calibration plot to the model card, please.”',
    'Dana resubmitted the handoff to ML engineering of v1 (1.0.0) (checklist evaluated again, ticks cleared)',
    'Max ticked “Fairness report reviewed” on the handoff to ML engineering of v1 (1.0.0)',
    'Max accepted the handoff to ML engineering of v1 (1.0.0)',
    'Max asked for the handoff to ops of v1 (1.0.0)',
    'Ada accepted the handoff to ops of v1 (1.0.0)',
    'Ada moved production to v1 (1.0.0) after the accepted handoff to ops',
  ];
  for (const screen of [a, d]) {
    await screen.openModels();
    await expect(screen.page.getByRole('table', { name: 'Models' })).toContainText('@production → v1');
    await screen.page.getByRole('link', { name: 'churn-classifier' }).click();
    const trail = screen.auditTrail();
    for (const step of steps) await expect(trail).toContainText(step);
    await expect(screen.page.getByRole('table', { name: 'Versions' })).toContainText('to ops: accepted');
  }
  await dana.page.screenshot({ path: join(SCREENS, 'model-audit.png'), fullPage: true });

  // Other aliases move freely; production's rule is said before anyone tries, and only owners see the override.
  const danaAlias = d.page.getByRole('form', { name: 'Move an alias' });
  await danaAlias.getByLabel('Alias', { exact: true }).fill('champion');
  await danaAlias.getByRole('button', { name: 'Move alias' }).click();
  await expect(danaAlias.getByRole('status')).toHaveText('Moved champion to v1 (1.0.0).');
  await danaAlias.getByLabel('Alias', { exact: true }).fill('production');
  await expect(danaAlias).toContainText('production is protected: it moves only to a version whose handoff to ops was accepted. This version has one (accepted by Ada). An owner may override, with a recorded reason.');
  await expect(danaAlias.getByLabel('Override the handoff rule')).toHaveCount(0);
  const adaAlias = a.page.getByRole('form', { name: 'Move an alias' });
  await adaAlias.getByLabel('Alias', { exact: true }).fill('production');
  await adaAlias.getByLabel('To version').selectOption({ label: '— remove the alias —' });
  await adaAlias.getByLabel('Override the handoff rule').check();
  await adaAlias.getByLabel(/^Reason for the override/).fill('Rollback drill: serve the fallback model for an hour');
  await adaAlias.getByRole('button', { name: 'Remove alias' }).click();
  await expect(adaAlias.getByRole('status')).toHaveText('Removed production.');
  for (const screen of [a, d]) {
    await expect(screen.auditTrail()).toContainText('Ada removed production (override: Rollback drill: serve the fallback model for an hour)');
    await expect(screen.auditTrail()).toContainText('Dana moved champion to v1 (1.0.0)');
  }
  await ada.page.screenshot({ path: join(SCREENS, 'model-override.png'), fullPage: true });
  // Nothing waits for anyone any more.
  for (const screen of [a, d, m]) await expect(screen.waitingCount()).toHaveCount(0);
});
