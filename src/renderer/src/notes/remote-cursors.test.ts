import { type Browser, chromium } from '@playwright/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cssString, remoteCursorCss, remoteCursorsFrom, safeColor } from './remote-cursors';

const HOSTILE_NAMES = [
  'Ada Lovelace',
  'Bob "the builder"',
  '"} body { display: none } .x { content: "',
  'back\\slash\\',
  'line\nbreak',
  '</style><script>window.__pwned = 1</script>',
  'Zoë 🚀 名前',
];

describe('remote cursor styles', () => {
  it('takes only other people with a name, and only #rrggbb colours', () => {
    const states = new Map<number, Record<string, unknown>>([
      [1, { user: { name: 'Me', color: '#112233' } }],
      [2, { user: { name: 'Bob', color: 'red; background: url(https://evil.example/x)' } }],
      [3, { user: { name: '  ' } }],
      [4, { selection: {} }],
      [5, { user: { name: 'Ada', color: '#A1B2C3' } }],
    ]);
    expect(remoteCursorsFrom(states, 1)).toEqual([
      { clientId: 5, name: 'Ada', color: '#a1b2c3' },
      { clientId: 2, name: 'Bob', color: '#6b7280' },
    ]);
    expect(safeColor('#fff')).toBe('#6b7280');
    expect(safeColor(42)).toBe('#6b7280');
    expect(cssString('a"b')).toBe('"a\\22 b"');
  });

  describe('in a real browser', () => {
    let browser: Browser;
    beforeAll(async () => {
      browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
    });
    afterAll(async () => browser?.close());

    it('parses to exactly three rules per person whose label is the name, whatever the name', async () => {
      const page = await browser.newPage();
      const cursors = HOSTILE_NAMES.map((name, i) => ({ clientId: 100 + i, name, color: '#2563eb' }));
      const css = remoteCursorCss(cursors);
      const parsed = await page.evaluate((text) => {
        const sheet = new CSSStyleSheet();
        sheet.replaceSync(text);
        document.adoptedStyleSheets = [sheet];
        const labels: string[] = [];
        for (let i = 0; i < 7; i++) {
          const el = document.createElement('span');
          el.className = `yRemoteSelectionHead-${100 + i}`;
          document.body.append(el);
          labels.push(getComputedStyle(el, '::after').content);
        }
        return { rules: sheet.cssRules.length, labels, bodyDisplay: getComputedStyle(document.body).display };
      }, css);
      await page.close();
      expect(parsed.rules).toBe(3 * HOSTILE_NAMES.length);
      expect(parsed.bodyDisplay).toBe('block');
      // getComputedStyle serializes `content` as a CSS string: undo its quoting to compare.
      const unquote = (s: string) => s.slice(1, -1).replace(/\\([0-9a-f]{1,6}) ?/gi, (_, h: string) => String.fromCodePoint(parseInt(h, 16))).replace(/\\(.)/g, '$1');
      // Whitespace runs become one space and labels past 40 characters end in "…".
      const shown = (n: string) => { const flat = [...n.replace(/\s+/g, ' ').trim()]; return flat.length > 40 ? `${flat.slice(0, 39).join('')}…` : flat.join(''); };
      expect(parsed.labels.map(unquote)).toEqual(HOSTILE_NAMES.map(shown));
      expect(parsed.labels[2]).toContain('display: none'); // kept as text, never as a rule
    });
  });
});
