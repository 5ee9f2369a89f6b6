import type { Page } from '@playwright/test';

/**
 * Grants notifications and records what the page shows through the browser's Notification API
 * (the real one still runs): what the OS would display. Reloads the page so the recorder is in
 * place; read the record with `shownNotifications(page)`.
 */
export async function watchNotifications(page: Page): Promise<void> {
  // The Electron app grants its own pages notifications (window-policy.ts); nothing to grant there.
  await page.context().grantPermissions(['notifications']).catch(() => {});
  await page.addInitScript(() => {
    const Real = window.Notification;
    const shown: { title: string; body: string }[] = [];
    (window as unknown as { shownNotifications: typeof shown }).shownNotifications = shown;
    window.Notification = class extends Real {
      constructor(title: string, options?: NotificationOptions) {
        shown.push({ title, body: options?.body ?? '' });
        super(title, options);
      }
    } as typeof Notification;
  });
  await page.reload();
}

export function shownNotifications(page: Page): Promise<{ title: string; body: string }[]> {
  return page.evaluate(() => (window as unknown as { shownNotifications: { title: string; body: string }[] }).shownNotifications);
}
