/**
 * bench:open's "while working" phase (issue 20: "the page never freezes: during an open and
 * while working, no main-thread task over 100 ms"): in the page of the last open, once the whole
 * workspace is applied, a person's usual steps, each done as a person does it (Playwright clicks
 * and keys on the real app), each measured from its first input to its answer on screen:
 * open an incident from the list, comment on it, back to the list, the Runs page, the inbox, a
 * note, and a few words typed into it. The long tasks of each step come from the open's own
 * Long Tasks observer (`__openBench.longTasks`, registered before the app's scripts), counted
 * from the step's start until 500 ms after its answer.
 */
import type { Page } from '@playwright/test';

export interface WorkStep {
  step: string;
  /** From the step's first input to its answer in the DOM (ms). */
  answeredMs: number;
  longestTaskMs: number;
  over100: number;
}

const TAIL_MS = 500;
/** The preview keeper writes 2 s after the last save (PREVIEW_DELAY_MS in preview-keeper.ts), then the screen; the note page saves its last touch as it closes, so a little more (3.5 s was seen to be too short). */
const KEEP_AFTER_MS = 6000;

/** The steps, in order; each waits for what a person would see before going on. */
export async function measureWork(page: Page, workspaceId: string): Promise<WorkStep[]> {
  const steps: WorkStep[] = [];
  const step = async (name: string, act: () => Promise<void>) => {
    const start = await page.evaluate(() => performance.now());
    await act();
    const answered = await page.evaluate(() => performance.now());
    await page.waitForTimeout(TAIL_MS);
    const tasks = await page.evaluate(
      ([from, to]) => (window as unknown as { __openBench: { longTasks: { startTime: number; duration: number }[] } }).__openBench.longTasks.filter((t) => t.startTime + t.duration >= from! && t.startTime <= to!),
      [start, answered + TAIL_MS],
    );
    steps.push({ step: name, answeredMs: answered - start, longestTaskMs: Math.max(0, ...tasks.map((t) => t.duration)), over100: tasks.filter((t) => t.duration > 100).length });
  };
  const nav = (name: string) => page.locator('#root nav').getByRole('link', { name, exact: true });
  await nav('Incidents').click();
  await page.locator('#root table.incidents tbody tr a').first().waitFor();

  let title = '';
  await step('open an incident from the list', async () => {
    const link = page.locator('#root table.incidents tbody tr a').first();
    title = (await link.textContent()) ?? '';
    await link.click();
    await page.getByRole('heading', { name: title, exact: true }).waitFor();
  });
  const words = `Checked the ${new Date().toISOString()} batch: same shift in age.`;
  await step('comment on it', async () => {
    const box = page.getByRole('form', { name: 'Add a comment' });
    await box.getByLabel('Comment').fill(words);
    await box.getByRole('button', { name: 'Comment', exact: true }).click();
    await page.getByText(words).first().waitFor();
  });
  await step('back to the incidents list', async () => {
    await nav('Incidents').click();
    await page.locator('#root table.incidents tbody tr').first().waitFor();
  });
  await step('the Runs page', async () => {
    await nav('Runs').click();
    await page.locator('#root .runs-table tbody tr').first().waitFor();
  });
  await step('the inbox', async () => {
    await page.locator('#root nav a[href$="/inbox"]').click();
    await page.getByRole('heading', { name: 'Inbox' }).waitFor();
  });
  await step('a note', async () => {
    await nav('Notes').click();
    await page.locator(`#root a[href^="#/w/${workspaceId}/notes/"]`).first().click();
    await page.getByTestId('note-editor').locator('.view-lines').waitFor();
  });
  await step('type a sentence into it', async () => {
    await page.getByTestId('note-editor').locator('.view-lines').click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type(' Next: retrain on the last 90 days.', { delay: 15 });
    await page.getByTestId('note-preview').getByText('Next: retrain on the last 90 days.').waitFor();
  });
  // Not measured: back to the incidents list, as a person leaves the app, and long enough for the
  // app to keep that screen with the doc's new version (its keeper writes 2 s after the last
  // save), as every open above does before its page closes; the restart opens from it.
  await nav('Incidents').click();
  await page.locator('#root table.incidents tbody tr').first().waitFor();
  await page.waitForTimeout(KEEP_AFTER_MS);
  return steps;
}
