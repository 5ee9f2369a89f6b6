/** Page objects shared by the web and Electron projects. */
import { type Page, expect } from '@playwright/test';

export class StartScreen {
  constructor(readonly page: Page) {}

  async localServerUrl(): Promise<string> {
    return (await this.page.getByTestId('local-server-url').textContent())!.trim();
  }

  async createWorkspace(name: string, yourName: string): Promise<string> {
    const form = this.page.getByRole('form', { name: 'Create a workspace' });
    await form.getByLabel('Workspace name').fill(name);
    await form.getByLabel('Your name').fill(yourName);
    await form.getByRole('button', { name: 'Create workspace' }).click();
    await expect(this.page.getByRole('heading', { name: 'Drift incidents' })).toBeVisible();
    return workspaceIdFrom(this.page);
  }

  async join(serverUrl: string, token: string): Promise<void> {
    const form = this.page.getByRole('form', { name: 'Join a workspace' });
    await form.getByLabel('Server URL or invite link').fill(serverUrl);
    await form.getByLabel('Token').fill(token);
    await form.getByRole('button', { name: 'Join workspace' }).click();
  }

  joinError() {
    return this.page.getByRole('form', { name: 'Join a workspace' }).getByRole('alert');
  }
}

export class WorkspaceScreen {
  constructor(readonly page: Page) {}

  syncStatus() {
    return this.page.getByTestId('sync-status');
  }

  presence() {
    return this.page.getByTestId('presence');
  }

  incidentRow(title: string) {
    return this.page.getByRole('row').filter({ has: this.page.getByRole('link', { name: title }) });
  }

  async createIncident(input: { title: string; severity: string; status?: string; description?: string }): Promise<void> {
    await this.page.getByRole('link', { name: 'Incidents', exact: true }).click();
    await this.page.getByRole('button', { name: /New incident/ }).click();
    const form = this.page.getByRole('form', { name: 'New incident' });
    await form.getByLabel('Title').fill(input.title);
    await form.getByLabel('Severity').selectOption(input.severity);
    if (input.status) await form.getByLabel('Status').selectOption(input.status);
    if (input.description) await form.getByLabel('Description').fill(input.description);
    await form.getByRole('button', { name: 'Create incident' }).click();
  }

  async openIncident(title: string): Promise<void> {
    await this.page.getByRole('link', { name: title }).click();
    await expect(this.page.getByRole('heading', { name: title })).toBeVisible();
  }

  async comment(body: string): Promise<void> {
    const box = this.page.getByRole('form', { name: 'Add a comment' });
    await box.getByLabel('Comment').fill(body);
    await box.getByRole('button', { name: 'Comment' }).click();
  }

  /** The incident's timeline: comment threads (and status changes, assignments, findings). */
  comments() {
    return this.page.getByRole('list', { name: 'Timeline' });
  }
}

export function workspaceIdFrom(page: Page): string {
  const match = /#\/w\/([^/]+)/.exec(page.url());
  if (!match) throw new Error(`no workspace id in ${page.url()}`);
  return decodeURIComponent(match[1]!);
}

/** The Notes section and one open note (Monaco editor, preview, comment thread). */
export class NotesScreen {
  constructor(readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.getByRole('link', { name: 'Notes', exact: true }).click();
    await expect(this.page.getByRole('heading', { name: 'Notes', exact: true })).toBeVisible();
  }

  async create(title: string): Promise<void> {
    await this.open();
    await this.page.getByRole('button', { name: 'New note' }).click();
    const form = this.page.getByRole('form', { name: 'New note' });
    await form.getByLabel('Title').fill(title);
    await form.getByRole('button', { name: 'Create note' }).click();
    await expect(this.title()).toHaveText(title);
    await expect(this.editor().locator('.view-lines')).toBeVisible();
  }

  async openNote(title: string): Promise<void> {
    await this.open();
    await this.page.getByRole('link', { name: title }).click();
    await expect(this.title()).toHaveText(title);
    await expect(this.editor().locator('.view-lines')).toBeVisible();
  }

  /** The open note's title (its heading, not a heading inside the preview). */
  title() {
    return this.page.locator('#note-title');
  }

  editor() {
    return this.page.getByTestId('note-editor');
  }

  preview() {
    return this.page.getByTestId('note-preview');
  }

  comments() {
    return this.page.getByRole('list', { name: 'Comments' });
  }

  async comment(body: string): Promise<void> {
    const box = this.page.getByRole('form', { name: 'Add a comment' });
    await box.getByLabel('Comment').fill(body);
    await box.getByRole('button', { name: 'Comment', exact: true }).click();
  }

  /**
   * Puts the caret at the start of a 1-based line, `column` characters in. The arrow keys move
   * by visual line, so the lines above `line` must be short enough not to wrap.
   */
  async caretAt(line: number, column = 0): Promise<void> {
    await this.editor().locator('.view-lines').click();
    await this.page.keyboard.press('Control+Home');
    for (let i = 1; i < line; i++) await this.page.keyboard.press('ArrowDown');
    await this.page.keyboard.press('Home');
    for (let i = 0; i < column; i++) await this.page.keyboard.press('ArrowRight');
  }

  async caretAtEnd(): Promise<void> {
    await this.editor().locator('.view-lines').click();
    await this.page.keyboard.press('Control+End');
  }

  /** Selects `length` characters from the caret. */
  async selectRight(length: number): Promise<void> {
    for (let i = 0; i < length; i++) await this.page.keyboard.press('Shift+ArrowRight');
  }

  /** Types text as one input (no auto-closed brackets or quotes from the editor). */
  async insert(text: string): Promise<void> {
    await this.page.keyboard.insertText(text);
  }

  /**
   * The note's text as the editor shows it, one entry per visual line (a wrapped line is two);
   * Monaco draws spaces as no-break spaces. For the text itself, read the preview.
   */
  async editorLines(): Promise<string[]> {
    return (await this.editor().locator('.view-line').allTextContents()).map((l) => l.replace(/\u00a0/g, ' '));
  }

  /** The words the chosen comment's highlight covers. */
  async highlighted(): Promise<string> {
    return (await this.editor().locator('.note-anchor-active').allTextContents()).join('').replace(/\u00a0/g, ' ');
  }
}

/** The command palette (Ctrl+K): search, jump, commands. */
export class CommandPaletteScreen {
  constructor(readonly page: Page) {}

  dialog() {
    return this.page.getByRole('dialog', { name: 'Command palette' });
  }

  input() {
    return this.dialog().getByRole('combobox', { name: 'Search or type a command' });
  }

  async open(): Promise<void> {
    await this.page.keyboard.press('Control+K');
    await expect(this.input()).toBeFocused();
  }

  /** Types like a person, a key at a time (results update as they type). */
  async type(text: string): Promise<void> {
    await this.input().fill('');
    await this.input().pressSequentially(text, { delay: 25 });
  }

  option(name: string | RegExp) {
    return this.dialog().getByRole('option', { name });
  }

  /** Moves the highlight with the arrow keys until it is on `name`. */
  async arrowTo(name: string | RegExp): Promise<void> {
    const target = this.option(name);
    await expect(target).toBeVisible();
    const count = await this.dialog().getByRole('option').count();
    for (let i = 0; i <= count && (await target.getAttribute('aria-selected')) !== 'true'; i++) await this.page.keyboard.press('ArrowDown');
    await expect(target).toHaveAttribute('aria-selected', 'true');
    await expect(this.input()).toHaveAttribute('aria-activedescendant', (await target.getAttribute('id'))!);
  }
}
