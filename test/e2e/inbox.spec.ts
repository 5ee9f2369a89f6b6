import { join } from 'node:path';
import { expect, repoRoot, test } from './fixtures';
import { shownNotifications, watchNotifications } from './notifications';
import { StartScreen, WorkspaceScreen } from './pages';

test('an @mention reaches the member’s inbox and a desktop notification, and stays read after a reload', async ({ launchApp }) => {
  const ada = await launchApp('Ada');
  await new StartScreen(ada.page).createWorkspace('Label quality', 'Ada');
  await ada.page.getByRole('link', { name: 'Members' }).click();
  const invite = ada.page.getByRole('form', { name: 'Invite someone' });
  await invite.getByLabel('Their name').fill('Bob');
  await invite.getByLabel('Role').selectOption('editor');
  await invite.getByRole('button', { name: 'Create invite' }).click();
  const link = await invite.getByLabel(/Invite link/).inputValue();

  const bob = await launchApp('Bob');
  await watchNotifications(bob.page);
  await new StartScreen(bob.page).join(link, '');
  await expect(bob.page.getByRole('heading', { name: 'Label quality' })).toBeVisible();
  await bob.page.getByRole('link', { name: /^Inbox/ }).click();
  await expect(bob.page.getByText('Nothing here yet. When someone writes @Bob')).toBeVisible();

  const adaWs = new WorkspaceScreen(ada.page);
  await adaWs.createIncident({ title: 'Label noise after vendor switch', severity: 'high' });
  await adaWs.comment('@Bob please check the labeling job <img src=x onerror=alert(1)>');
  await adaWs.comment('No mention in this one.');

  const badge = bob.page.getByTestId('inbox-unread');
  await expect(badge).toHaveText('1');
  const item = bob.page.getByRole('list', { name: 'Mentions' }).getByRole('listitem');
  await expect(item).toHaveCount(1);
  await expect(item).toHaveAttribute('data-unread', 'true');
  await expect(item).toContainText('Ada mentioned you in a comment on the incident “Label noise after vendor switch”');
  // Rendered as text.
  await expect(item).toContainText('<img src=x onerror=alert(1)>');
  await expect.poll(() => shownNotifications(bob.page)).toEqual([
    { title: 'Ada mentioned you', body: '@Bob please check the labeling job <img src=x onerror=alert(1)>' },
  ]);

  await item.getByRole('link').click();
  await expect(bob.page.getByRole('heading', { name: 'Label noise after vendor switch' })).toBeVisible();
  // It opens at the comment, marked and in view.
  const opened = bob.page.locator('.comment[data-focused]');
  await expect(opened).toContainText('@Bob please check the labeling job');
  await expect(opened).toBeInViewport();
  await expect(opened).toBeFocused();
  for (const [width, height] of [[1400, 900], [1920, 1080]] as const) {
    await bob.page.setViewportSize({ width, height });
    await bob.page.screenshot({ path: join(repoRoot, 'test-results', 'screens', `inbox-opened-comment-${width}.png`) });
  }
  await expect(badge).toHaveCount(0);
  await bob.page.reload();
  await expect(bob.page.getByRole('heading', { name: 'Label noise after vendor switch' })).toBeVisible();
  await bob.page.getByRole('link', { name: /^Inbox/ }).click();
  await expect(bob.page.getByRole('list', { name: 'Mentions' }).getByRole('listitem')).not.toHaveAttribute('data-unread', 'true');
  await expect(bob.page.getByTestId('inbox-unread')).toHaveCount(0);
  // Ada was not mentioned: her inbox is empty.
  await ada.page.getByRole('link', { name: /^Inbox/ }).click();
  await expect(ada.page.getByText('Nothing here yet.')).toBeVisible();

  // The @-picker, by keyboard: "@b" lists Bob (not Ada herself); Enter puts "@Bob " in the text.
  await ada.page.goBack();
  const box = ada.page.getByRole('form', { name: 'Add a comment' }).getByRole('combobox', { name: 'Comment' });
  await box.click();
  await box.pressSequentially('Also @b');
  const options = ada.page.getByRole('listbox', { name: 'Members to mention' }).getByRole('option');
  await expect(options).toHaveText([/^@Bob/]);
  await expect(box).toHaveAttribute('aria-expanded', 'true');
  await ada.page.screenshot({ path: join(repoRoot, 'test-results', 'screens', 'mention-picker.png') });
  await box.press('Enter');
  await expect(box).toHaveValue('Also @Bob ');
  await expect(options).toHaveCount(0);
  await box.pressSequentially('the second batch too');
  await box.press('Control+Enter');
  await expect(bob.page.getByTestId('inbox-unread')).toHaveText('1');
  // Escape closes only the list; the text stays.
  await box.pressSequentially('@');
  await expect(options).toHaveCount(1);
  await box.press('Escape');
  await expect(options).toHaveCount(0);
  await expect(box).toHaveValue('@');
});
