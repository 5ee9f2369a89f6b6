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

  comments() {
    return this.page.getByRole('list', { name: 'Comments' });
  }
}

export function workspaceIdFrom(page: Page): string {
  const match = /#\/w\/([^/]+)/.exec(page.url());
  if (!match) throw new Error(`no workspace id in ${page.url()}`);
  return decodeURIComponent(match[1]!);
}
