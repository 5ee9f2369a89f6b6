import { expect, test } from './fixtures';
import { StartScreen, WorkspaceScreen } from './pages';

test('look at an earlier snapshot and restore it', async ({ launchApp }) => {
  const app = await launchApp('Ada');
  await new StartScreen(app.page).createWorkspace('Pricing model', 'Ada');
  const ws = new WorkspaceScreen(app.page);
  await ws.createIncident({ title: 'Keep me', severity: 'high' });
  await expect(app.page.getByRole('heading', { name: 'Keep me' })).toBeVisible();
  await app.page.waitForTimeout(300);
  await ws.createIncident({ title: 'Remove me', severity: 'low' });
  await expect(app.page.getByRole('heading', { name: 'Remove me' })).toBeVisible();
  await app.page.waitForTimeout(300);

  await app.page.getByRole('link', { name: 'History' }).click();
  const snapshots = app.page.getByRole('list', { name: 'Snapshots' }).getByRole('button');
  await expect(snapshots.first()).toBeVisible();
  const view = app.page.getByRole('region', { name: 'Selected snapshot' });
  let found = false;
  for (let i = 0; i < (await snapshots.count()) && !found; i++) {
    await snapshots.nth(i).click();
    await expect(view).toHaveAttribute('data-snapshot-id', (await snapshots.nth(i).getAttribute('data-snapshot-id'))!);
    const text = (await view.textContent())!;
    found = text.startsWith('1 incidents') && text.includes('Keep me');
  }
  expect(found).toBe(true);
  app.page.once('dialog', (dialog) => void dialog.accept());
  await view.getByRole('button', { name: 'Restore this version' }).click();
  await expect(app.page.getByRole('status').filter({ hasText: 'Restored' })).toContainText('1 removed');
  await app.page.getByRole('link', { name: 'Incidents', exact: true }).click();
  await expect(ws.incidentRow('Keep me')).toBeVisible();
  await expect(app.page.getByRole('link', { name: 'Remove me' })).toHaveCount(0);
});
