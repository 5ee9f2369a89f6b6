import { expect, test } from './fixtures';

/**
 * The app runs under its own CSP without a single refusal: a refusal is either a feature the CSP
 * breaks or a library probing for eval (zod did, until it was made jitless), and either kind of
 * noise would hide a real attack in the reports.
 */
test('opening a workspace and its pages raises no CSP violation', async ({ launchApp }) => {
  const app = await launchApp('Ada');
  const { page } = app;
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as { __cspViolations?: string[] }).__cspViolations = seen;
    document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));
  });
  await page.reload();
  await page.getByRole('button', { name: /Demo · churn-model/ }).click();
  await expect(page.getByRole('heading', { name: 'Drift incidents' })).toBeVisible();
  for (const section of ['Datasets', 'Monitors', 'Members', 'History', 'Incidents']) {
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: section, exact: true }).click();
    await expect(page.getByRole('heading', { level: 2 }).first()).toBeVisible();
  }
  // An incident page parses records, comments and events with zod.
  await page.getByRole('link', { name: /tenure_months drifted/ }).first().click();
  await expect(page.getByRole('heading', { name: /tenure_months drifted/ })).toBeVisible();
  expect(await page.evaluate(() => (window as { __cspViolations?: string[] }).__cspViolations)).toEqual([]);
});
