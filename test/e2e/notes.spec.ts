import { type Page } from '@playwright/test';
import { type RunningApp, expect, test } from './fixtures';
import { NotesScreen, StartScreen } from './pages';

/** Ada makes a workspace and invites each guest with their role; each joins from their own app. */
async function teamOf(launchApp: (name: string) => Promise<RunningApp>, ...guests: { name: string; role: string }[]) {
  const ada = await launchApp('Ada');
  await new StartScreen(ada.page).createWorkspace('Churn model', 'Ada');
  const others: RunningApp[] = [];
  for (const guest of guests) {
    await ada.page.getByRole('link', { name: 'Members' }).click();
    const invite = ada.page.getByRole('form', { name: 'Invite someone' });
    await invite.getByLabel('Their name').fill(guest.name);
    await invite.getByLabel('Role').selectOption(guest.role);
    const linkField = invite.getByLabel(/Invite link/);
    const shown = async () => ((await linkField.count()) > 0 ? linkField.inputValue() : '');
    const previous = await shown();
    await invite.getByRole('button', { name: 'Create invite' }).click();
    await expect.poll(shown).not.toBe(previous); // the second guest must not get the first one's link
    const link = await shown();
    const other = await launchApp(guest.name);
    await new StartScreen(other.page).join(link, '');
    await expect(other.page.getByRole('heading', { name: 'Churn model' })).toBeVisible();
    others.push(other);
  }
  return { ada, others };
}

const pwned = (page: Page) => page.evaluate(() => (window as { __pwned?: unknown }).__pwned);

test('two members write a note together: live text, named cursors, anchored comments, an inert preview', async ({ launchApp }) => {
  const { ada, others } = await teamOf(launchApp, { name: 'Bob', role: 'editor' });
  const bob = others[0]!;
  // The CSP must let the editor work as built: no refused style, script or worker, and no
  // Monaco warning that it fell back to running a worker's code on the page. (The one refusal expected is the
  // hostile note's own `onerror`, which Chromium reports when DOMPurify parses it in its inert
  // document: scripting is off there, the CSP refuses it too, and DOMPurify then drops it.)
  const complaints: string[] = [];
  for (const page of [ada.page, bob.page]) {
    page.on('console', (m) => {
      const text = m.text();
      if (/Content Security Policy|worker/i.test(text) && !text.startsWith('Executing inline event handler')) complaints.push(text);
    });
  }
  const adaNotes = new NotesScreen(ada.page);
  const bobNotes = new NotesScreen(bob.page);

  // Bob sees the empty state, which says what to do next.
  await bobNotes.open();
  await expect(bob.page.getByText('No notes yet. Choose “New note”')).toBeVisible();

  await adaNotes.create('Retraining plan');
  await adaNotes.caretAt(1);
  await adaNotes.insert('# Retraining plan\nRetrain weekly on the last 90 days of data.\n');

  // Bob opens it from the list (keyboard: focus the link, Enter) and sees Ada's text and her named caret.
  await expect(bob.page.getByRole('link', { name: 'Retraining plan' })).toBeVisible();
  await bob.page.getByRole('link', { name: 'Retraining plan' }).focus();
  await bob.page.keyboard.press('Enter');
  await expect(bobNotes.title()).toHaveText('Retraining plan');
  await expect(bobNotes.preview()).toContainText('Retrain weekly on the last 90 days of data.');
  await expect(bobNotes.preview().getByRole('heading', { name: 'Retraining plan' })).toBeVisible();
  await expect.poll(() => bobNotes.editorLines()).toContain('# Retraining plan');
  await adaNotes.caretAt(2, 8); // Ada moves her caret, so Bob's editor draws it
  const adaCaret = bobNotes.editor().locator('.yRemoteSelectionHead');
  await expect(adaCaret).toBeVisible();
  await expect.poll(() => adaCaret.evaluate((el) => getComputedStyle(el, '::after').content)).toBe('"Ada"');
  await expect(bob.page.getByRole('list', { name: 'Also in this note' })).toContainText('Ada');
  await bob.page.screenshot({ path: 'test-results/note-page.png' });

  // Ada comments on "last 90 days".
  await adaNotes.caretAt(2, 'Retrain weekly on the '.length);
  await adaNotes.selectRight('last 90 days'.length);
  await ada.page.getByRole('button', { name: 'Comment on selection' }).click();
  await expect(ada.page.getByTestId('pending-quote')).toContainText('last 90 days');
  await adaNotes.comment('Why 90 and not 180?');
  await expect(bobNotes.comments()).toContainText('Why 90 and not 180?');
  await expect(bobNotes.comments()).toContainText('last 90 days');

  // Bob types before those words; Ada's comment still points at them.
  await bobNotes.caretAt(2);
  await bobNotes.insert('Proposal: ');
  await expect(adaNotes.preview()).toContainText('Proposal: Retrain weekly on the last 90 days');
  await adaNotes.comments().getByRole('button', { name: /last 90 days/ }).click();
  await expect.poll(() => adaNotes.highlighted()).toBe('last 90 days');
  // Bob also types inside them: the range grows with the words.
  await bobNotes.caretAt(2, 'Proposal: Retrain weekly on the last'.length);
  await bobNotes.insert(' (at least)');
  await expect.poll(() => adaNotes.highlighted()).toBe('last (at least) 90 days');

  // The preview renders a hostile note inert, in both apps.
  await adaNotes.caretAtEnd();
  await adaNotes.insert(
    [
      '',
      // CommonMark reads this one as text (an unquoted value may not hold "="); the quoted one
      // below is HTML, and it is DOMPurify that must strip its handler.
      '<img src=x onerror=window.__pwned=1>',
      '',
      '<img src="x" onerror="window.__pwned=1" alt="quoted">',
      '',
      '[click me](javascript:window.__pwned=1)',
      '',
      '<a href="javascript:window.__pwned=1">raw link</a> <a href="#/w/elsewhere">hash link</a>',
      '',
      '<script>window.__pwned=1</script>',
      '',
      '<svg onload="window.__pwned=1"><circle r="5"/></svg> <iframe srcdoc="<script>parent.__pwned=1</script>"></iframe>',
      '',
      '<p style="position:fixed;inset:0;background:red" class="sidebar">styled</p>',
      '',
      '[docs](https://example.com/docs) ![pixel](data:image/gif;base64,R0lGODlhAQABAIAAAP///wAAACwAAAAAAQABAAACAkQBADs=)',
    ].join('\n'),
  );
  for (const [page, notes] of [[ada.page, adaNotes], [bob.page, bobNotes]] as const) {
    const preview = notes.preview();
    await expect(preview.getByRole('link', { name: 'docs' })).toBeVisible();
    // The quoted <img> survives as HTML without its handler or source, so the preview names it.
    await expect(preview.getByText('[image: quoted]')).toBeVisible();
    const dom = await preview.evaluate((el) => ({
      handlers: [...el.querySelectorAll('*')].flatMap((n) => [...n.attributes].map((a) => a.name)).filter((name) => name.startsWith('on')),
      hrefs: [...el.querySelectorAll('[href]')].map((n) => n.getAttribute('href')),
      srcs: [...el.querySelectorAll('[src]')].map((n) => n.getAttribute('src')),
      tags: [...el.querySelectorAll('script, svg, iframe, style, [style], [class]')].map((n) => n.tagName),
    }));
    expect(dom).toEqual({ handlers: [], hrefs: ['https://example.com/docs'], srcs: [expect.stringMatching(/^data:image\/gif;base64,/)], tags: [] });
    await expect(preview.getByRole('link', { name: 'docs' })).toHaveAttribute('target', '_blank');
    await expect(preview.getByRole('link', { name: 'docs' })).toHaveAttribute('rel', 'noopener noreferrer');
    await preview.getByText(/click me/).click();
    await preview.getByText('raw link').click();
    await preview.getByText('hash link').click();
    await page.waitForTimeout(300);
    expect(await pwned(page)).toBeUndefined();
    await expect(notes.title()).toHaveText('Retraining plan'); // still on the note
  }

  // Bob deletes the commented words: the comment keeps its quote and says the text is gone.
  await bobNotes.caretAt(2, 'Proposal: Retrain weekly on the '.length);
  await bobNotes.selectRight('last (at least) 90 days'.length);
  await bob.page.keyboard.press('Delete');
  await expect(adaNotes.comments()).toContainText('Text was removed');
  await expect(adaNotes.comments()).toContainText('last 90 days');

  // Ada @mentions Bob in the note: it lands in his inbox, once.
  // By the @-picker: "@b" offers Bob (not Ada herself); Enter writes "@Bob ".
  await adaNotes.caretAtEnd();
  await adaNotes.insert('\n\n');
  await ada.page.keyboard.type('@b');
  const suggestion = ada.page.locator('.suggest-widget .monaco-list-row');
  await expect(suggestion).toHaveCount(1);
  await expect(suggestion).toContainText('@Bob');
  await ada.page.keyboard.press('Enter');
  await adaNotes.insert('please check the 90-day window.');
  await expect(adaNotes.preview()).toContainText('@Bob please check the 90-day window.');
  await expect(bob.page.getByTestId('inbox-unread')).toHaveText('1', { timeout: 15_000 });
  await bob.page.getByRole('link', { name: /Inbox/ }).click();
  await expect(bob.page.getByRole('list', { name: 'Mentions' })).toContainText('mentioned you in the note “Retraining plan”');
  await bob.page.goBack();

  // Ada renames the note; Bob's list follows.
  await ada.page.getByRole('button', { name: 'Rename' }).click();
  await ada.page.getByRole('form', { name: 'Rename note' }).getByLabel('Title').fill('Retraining plan v2');
  await ada.page.getByRole('button', { name: 'Save title' }).click();
  await expect(bobNotes.title()).toHaveText('Retraining plan v2');
  expect(complaints).toEqual([]);
});

test('a commenter comments on words of a note it cannot edit; a viewer only reads', async ({ launchApp }) => {
  const { ada, others } = await teamOf(launchApp, { name: 'Cleo', role: 'commenter' }, { name: 'Vic', role: 'viewer' });
  const [cleo, vic] = [others[0]!, others[1]!];
  const adaNotes = new NotesScreen(ada.page);
  await adaNotes.create('Feature review');
  await adaNotes.caretAt(1);
  await adaNotes.insert('Drop the zip_code feature.');

  const vicNotes = new NotesScreen(vic.page);
  await vicNotes.open();
  await expect(vic.page.getByText('As a viewer you can read notes.')).toBeVisible();
  await expect(vic.page.getByRole('button', { name: 'New note' })).toHaveCount(0);
  await vicNotes.openNote('Feature review');
  await expect(vicNotes.preview()).toContainText('Drop the zip_code feature.');
  await expect(vic.page.getByText('Read only: as a viewer you can read.')).toBeVisible();
  await expect(vic.page.getByRole('form', { name: 'Add a comment' })).toHaveCount(0);
  await vicNotes.caretAt(1);
  await vic.page.keyboard.type('vandalism ');

  const cleoNotes = new NotesScreen(cleo.page);
  await cleoNotes.openNote('Feature review');
  await expect(cleoNotes.preview()).toContainText('Drop the zip_code feature.');
  await expect(cleo.page.getByText('Read only: as a commenter you can select text and comment.')).toBeVisible();
  await cleoNotes.caretAt(1, 'Drop the '.length);
  await cleoNotes.selectRight('zip_code'.length);
  await cleo.page.keyboard.type('x');
  await cleo.page.keyboard.press('Control+Alt+M'); // the editor's shortcut for "Comment on selection"
  await expect(cleo.page.getByTestId('pending-quote')).toContainText('zip_code');
  await cleoNotes.comment('Legal asked us to keep it until March.');

  await expect(adaNotes.comments()).toContainText('Legal asked us to keep it until March.');
  await adaNotes.comments().getByRole('button', { name: /zip_code/ }).click();
  await expect.poll(() => adaNotes.highlighted()).toBe('zip_code');
  // Neither read-only member changed the text.
  await expect(adaNotes.preview()).toHaveText('Drop the zip_code feature.');
  expect((await vicNotes.editorLines()).join('')).not.toContain('vandalism');
  expect((await cleoNotes.editorLines()).join('')).toBe('Drop the zip_code feature.');

  // Note comments are threads, as on incidents: Ada replies with a mention, reacts, resolves.
  const thread = ada.page.getByRole('article', { name: 'Thread started by Cleo' });
  await thread.getByRole('button', { name: 'Reply' }).click();
  await thread.getByRole('combobox', { name: 'Reply' }).fill('@Cleo fine, until March then.');
  await thread.getByRole('button', { name: 'Send reply' }).click();
  await expect(cleo.page.getByRole('list', { name: 'Replies to Cleo' })).toContainText('fine, until March then.');
  await expect(cleo.page.getByTestId('inbox-unread')).toHaveText('1');
  await thread.getByRole('button', { name: 'Resolve thread' }).click();
  await expect(cleo.page.getByRole('article', { name: 'Thread started by Cleo' })).toContainText('Resolved by Ada');
});
