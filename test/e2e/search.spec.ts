import { expect, test } from './fixtures';
import { CommandPaletteScreen, WorkspaceScreen } from './pages';

test('the command palette finds what was just written and jumps to it by keyboard; hostile titles stay text', async ({ launchApp }) => {
  const app = await launchApp('Ada');
  const { page } = app;
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await page.getByRole('button', { name: /Demo · churn-model/ }).click();
  await expect(page.getByRole('heading', { name: 'Drift incidents' })).toBeVisible();

  const ws = new WorkspaceScreen(page);
  await ws.createIncident({ title: 'Quokka embeddings drifted after retokenization', severity: 'high', description: 'The zebrafish tokenizer changed its vocabulary.' });
  await expect(page.getByRole('heading', { name: 'Quokka embeddings drifted after retokenization' })).toBeVisible();
  const hostile = 'Quokka <img src=x onerror=alert(1)> label leak';
  await ws.createIncident({ title: hostile, severity: 'low' });
  await expect(page.getByRole('heading', { name: hostile })).toBeVisible();

  const palette = new CommandPaletteScreen(page);
  await palette.open();
  await expect(palette.dialog()).toHaveAttribute('aria-modal', 'true');
  await expect(palette.dialog()).toContainText('Type any word from an incident, comment, run, dataset or note');
  await expect(palette.option('Go to Members')).toBeVisible();

  await palette.type('quokk');
  await expect(palette.option(/Quokka embeddings drifted after retokenization/)).toBeVisible();
  await expect(palette.option(/Quokka <img src=x onerror=alert\(1\)> label leak/)).toBeVisible();
  // The markup arrived as text: no element was made from it.
  await expect(palette.dialog().locator('img')).toHaveCount(0);
  await page.screenshot({ path: 'test-results/search-palette.png' });

  // A word from the description, diacritics ignored, finds it too; a comment finds its incident.
  await palette.type('zébrafish');
  await expect(palette.option(/Quokka embeddings/)).toContainText('tokenizer');
  await palette.type('CRM migrat');
  await expect(palette.option(/Comment by .* on incident “tenure_months drifted/)).toBeVisible();
  await palette.type('"unbalanced (NEAR: -quokka*');
  await expect(palette.dialog()).toContainText('Nothing matches');

  await palette.type('quokka');
  await palette.arrowTo(/Quokka embeddings drifted/);
  await page.keyboard.press('Enter');
  await expect(palette.dialog()).toBeHidden();
  await expect(page.getByRole('heading', { name: 'Quokka embeddings drifted after retokenization' })).toBeVisible();
  expect(page.url()).toMatch(/#\/w\/[^/]+\/incidents\/[^/]+$/);
  await expect(page.locator('#main-content')).toBeFocused();

  // The hostile one opens as text as well.
  await palette.open();
  await palette.type('onerror');
  await palette.arrowTo(/label leak/);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: hostile })).toBeVisible();
  expect(dialogs).toEqual([]);
});

test('palette commands: Escape returns focus, a copied page link opens that page, ? lists the shortcuts', async ({ launchApp }) => {
  const app = await launchApp('Ada');
  const { page } = app;
  // (The Electron shell has no permission prompts to grant.)
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']).catch(() => {});
  await page.getByRole('button', { name: /Demo · churn-model/ }).click();
  await new WorkspaceScreen(page).openIncident('Daily batch missing for 36 hours');
  const incidentUrl = page.url();

  // The sidebar button opens it too; Escape gives focus back to the button.
  const trigger = page.getByRole('button', { name: /Search or jump/ });
  await trigger.focus();
  await page.keyboard.press('Enter');
  const palette = new CommandPaletteScreen(page);
  await expect(palette.input()).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(palette.dialog()).toBeHidden();
  await expect(trigger).toBeFocused();

  await palette.open();
  await palette.type('copy link');
  await palette.arrowTo('Copy link to this page');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('status').filter({ hasText: 'Link copied' })).toContainText('driftdesk://workspace/');
  const link = await app.readClipboard();
  expect(link).toMatch(/^driftdesk:\/\/workspace\/[^/]+\/incidents\/[^/]+$/);

  // Elsewhere, the pasted link goes back to the incident.
  await palette.open();
  await palette.type('go to members');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Members', exact: true })).toBeVisible();
  await palette.open();
  await palette.input().fill(link);
  await expect(palette.option(/Open link: incidents/)).toBeVisible();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Daily batch missing for 36 hours' })).toBeVisible();
  expect(page.url()).toBe(incidentUrl);

  // So does the start page's join field.
  await palette.open();
  await palette.type('workspaces list');
  await page.keyboard.press('Enter');
  const join = page.getByRole('form', { name: 'Join a workspace' });
  await join.getByLabel('Server URL or invite link').fill(link);
  await join.getByRole('button', { name: 'Open page' }).click();
  await expect(page.getByRole('heading', { name: 'Daily batch missing for 36 hours' })).toBeVisible();
  expect(page.url()).toBe(incidentUrl);

  // "New incident" from the palette opens the form, focused.
  await palette.open();
  await palette.type('new inc');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('form', { name: 'New incident' }).getByLabel('Title')).toBeFocused();
  await page.keyboard.press('Escape');

  // ? outside a text field lists the shortcuts; the first Tab offers the skip link.
  await page.locator('body').click({ position: { x: 900, y: 700 } });
  await page.keyboard.press('?');
  await expect(palette.dialog().getByRole('region', { name: 'Keyboard shortcuts' })).toContainText('Skip to content');
  await page.keyboard.press('Escape');
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Drift incidents' })).toBeVisible();
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Skip to content' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.locator('#main-content')).toBeFocused();
});
