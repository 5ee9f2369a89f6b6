import { expect, test } from './fixtures';
import { NotesScreen, StartScreen } from './pages';

test('read an earlier version of a note and put it back', async ({ launchApp }) => {
  const app = await launchApp('Ada');
  await app.page.setViewportSize({ width: 1400, height: 900 });
  await new StartScreen(app.page).createWorkspace('Churn model', 'Ada');
  const notes = new NotesScreen(app.page);
  await notes.create('Retraining plan');
  await notes.caretAtEnd();
  await notes.insert('First draft: retrain weekly on the last 90 days.');
  await expect(notes.preview()).toContainText('First draft');
  await app.page.waitForTimeout(600); // the embedded server keeps a version per burst of changes (interval 0 in tests)
  await notes.caretAtEnd();
  await app.page.keyboard.press('Control+A');
  await notes.insert('Rewritten: retrain when PSI > 0.2.');
  await expect(notes.preview()).toContainText('Rewritten');
  await expect(notes.preview()).not.toContainText('First draft');
  await app.page.waitForTimeout(600);

  const toggle = app.page.getByRole('toolbar', { name: 'Note tools' }).getByRole('button', { name: 'History' });
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-expanded', 'true');
  const versions = app.page.getByRole('list', { name: 'Versions of this note' }).getByRole('button');
  await expect(versions.first()).toBeVisible();
  const view = app.page.getByRole('region', { name: 'Selected version' });
  let found = false;
  for (let i = 0; i < (await versions.count()) && !found; i++) {
    await versions.nth(i).click();
    await expect(view).toHaveAttribute('data-snapshot-id', (await versions.nth(i).getAttribute('data-snapshot-id'))!);
    found = (await view.locator('pre').count()) > 0 && (await view.locator('pre').textContent()) === 'First draft: retrain weekly on the last 90 days.';
  }
  expect(found).toBe(true);
  await view.scrollIntoViewIfNeeded();
  await app.page.screenshot({ path: test.info().outputPath('note-history-1400.png') });

  app.page.once('dialog', (dialog) => void dialog.accept());
  await view.getByRole('button', { name: 'Put this version back' }).click();
  await expect(app.page.getByRole('status').filter({ hasText: 'Put back' })).toContainText('characters removed');
  await expect(notes.preview()).toContainText('First draft: retrain weekly on the last 90 days.');
  await expect(notes.preview()).not.toContainText('Rewritten');
  // The change is the note's like any edit: after a reload it is still there.
  await app.page.reload();
  await expect(notes.preview()).toContainText('First draft: retrain weekly on the last 90 days.');
});
