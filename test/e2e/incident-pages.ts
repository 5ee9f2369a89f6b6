/** Page objects for the incidents section: board, list filters, and an incident's page. */
import { type Page, expect } from '@playwright/test';

export class IncidentsScreen {
  constructor(readonly page: Page) {}

  async open(view: 'List' | 'Board' = 'List'): Promise<void> {
    await this.page.getByRole('link', { name: 'Incidents', exact: true }).click();
    await expect(this.page.getByRole('heading', { name: 'Drift incidents' })).toBeVisible();
    const toggle = this.page.getByRole('group', { name: 'View' }).getByRole('button', { name: view });
    await toggle.click();
    await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  }

  board() {
    return this.page.getByRole('region', { name: 'Incidents by status' });
  }

  /** A column of the board, by status. */
  column(status: string) {
    return this.board().getByRole('region', { name: new RegExp(`^${status}`) });
  }

  /** A card on the board, wherever it is. */
  card(title: string) {
    return this.board().getByRole('listitem', { name: title });
  }

  filters() {
    return this.page.getByRole('search', { name: 'Filter incidents' });
  }

  /** The titles the list shows, in order. */
  async listedTitles(): Promise<string[]> {
    return this.page.locator('table.incidents tbody tr:not(.more-rows) td:nth-child(2)').allTextContents();
  }
}

/** One incident's page. */
export class IncidentScreen {
  constructor(readonly page: Page) {}

  details() {
    return this.page.getByRole('complementary', { name: 'Incident details' });
  }

  async step(label: string): Promise<void> {
    await this.details().getByRole('group', { name: 'Next steps' }).getByRole('button', { name: label, exact: true }).click();
  }

  status() {
    return this.details().getByRole('region', { name: 'Status' });
  }

  async assign(option: string): Promise<void> {
    await this.details().getByRole('combobox', { name: 'Assignee' }).selectOption({ label: option });
  }

  timeline() {
    return this.page.getByRole('list', { name: 'Timeline' });
  }

  /** The comment thread whose first comment contains `text`. */
  thread(text: string) {
    return this.timeline().getByRole('article').filter({ hasText: text });
  }

  async reply(threadText: string, body: string): Promise<void> {
    const thread = this.thread(threadText);
    await thread.getByRole('button', { name: 'Reply', exact: true }).click();
    const form = thread.getByRole('form', { name: /^Reply to / });
    await form.getByLabel('Reply').fill(body);
    await form.getByRole('button', { name: 'Send reply' }).click();
    await expect(form).toHaveCount(0);
  }

  /** Picks a reaction from a comment's "Add a reaction" menu with the keyboard. */
  async react(threadText: string, reaction: string): Promise<void> {
    const menuButton = this.thread(threadText).getByRole('button', { name: 'Add a reaction' }).first();
    await menuButton.focus();
    await this.page.keyboard.press('Enter');
    const menu = this.page.getByRole('menu', { name: 'Add a reaction' });
    await expect(menu.getByRole('menuitem').first()).toBeFocused();
    for (let i = 0; i < 10 && !(await menu.getByRole('menuitem', { name: reaction }).evaluate((el) => el === document.activeElement)); i++) {
      await this.page.keyboard.press('ArrowDown');
    }
    await this.page.keyboard.press('Enter');
    await expect(menu).toHaveCount(0);
  }
}
