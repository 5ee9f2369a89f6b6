/** Page objects for the Monitors section, shared by the web and Electron projects. */
import { type Page, expect } from '@playwright/test';

/** The Monitors section: the list, the new-monitor form, one monitor's page. */
export class MonitorsScreen {
  constructor(readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.getByRole('link', { name: 'Monitors', exact: true }).click();
    await expect(this.page.getByRole('heading', { name: 'Monitors', exact: true })).toBeVisible();
  }

  form() {
    return this.page.getByRole('form', { name: 'New monitor' });
  }

  /** One rule of the open form, by its 1-based number. */
  rule(n: number) {
    return this.form().getByRole('group', { name: `Rule ${n}` });
  }

  /** The monitor's page: its CI command as shown. */
  command(label: 'Command' | 'curl equivalent' | 'Metrics with curl' = 'Command') {
    return this.page.getByRole('region', { name: 'Send batches from CI' }).getByLabel(label, { exact: true });
  }

  incidents() {
    return this.page.getByRole('table', { name: 'Incidents of this monitor' });
  }

  rules() {
    return this.page.getByRole('table', { name: 'Rules' });
  }
}
