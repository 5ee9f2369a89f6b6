/** Page objects for the model registry: models, a model, a version, a handoff. */
import { type Page, expect } from '@playwright/test';

export class RegistryScreen {
  constructor(readonly page: Page) {}

  waitingCount() {
    return this.page.getByTestId('handoffs-waiting');
  }

  async openModels(): Promise<void> {
    await this.page.getByRole('link', { name: /^Models/ }).click();
    await expect(this.page.getByRole('heading', { name: 'Models', exact: true })).toBeVisible();
  }

  async setTeamRole(member: string, teamRole: string): Promise<void> {
    await this.page.getByRole('link', { name: 'Members' }).click();
    await this.page.getByLabel(`Team role of ${member}`).selectOption({ label: teamRole });
  }

  handoffStatus() {
    return this.page.getByTestId('handoff-status');
  }

  action(name: string) {
    return this.page.getByRole('list', { name: 'Actions' }).getByRole('button', { name, exact: true });
  }

  /** The reason a disabled action gives, through its aria-describedby. */
  async actionReason(name: string): Promise<string> {
    const id = await this.action(name).getAttribute('aria-describedby');
    if (!id) return '';
    return (await this.page.locator(`[id="${id}"]`).textContent()) ?? '';
  }

  async decide(name: string, comment?: string): Promise<void> {
    if (comment !== undefined) await this.page.getByLabel(/^Comment \(required/).fill(comment);
    await this.action(name).click();
  }

  async tickAll(): Promise<void> {
    const boxes = this.page.getByRole('list', { name: 'Checklist: manual checks' }).getByRole('checkbox');
    const n = await boxes.count();
    for (let i = 0; i < n; i++) {
      await boxes.nth(i).check();
      await expect(boxes.nth(i)).toBeChecked();
    }
  }

  async requestHandoff(stage: 'to ML engineering' | 'to ops', message: string, extra = ''): Promise<void> {
    const form = this.page.getByRole('form', { name: 'Request a handoff' });
    await form.getByRole('radio', { name: new RegExp(`^${stage}`) }).check();
    await form.getByLabel(/^Message to/).fill(message);
    if (extra) await form.getByLabel(/^Extra checklist items/).fill(extra);
    await form.getByRole('button', { name: `Request handoff ${stage}` }).click();
    await expect(this.page.getByRole('heading', { name: new RegExp(`^Handoff ${stage}`) })).toBeVisible();
  }

  auditTrail() {
    return this.page.getByRole('list', { name: 'Audit trail' });
  }
}
