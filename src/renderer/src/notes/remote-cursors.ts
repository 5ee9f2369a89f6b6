/**
 * Styles for other people's cursors and selections in a note. y-monaco marks a remote
 * selection with the classes `yRemoteSelection-<clientId>` (the selected text) and
 * `yRemoteSelectionHead-<clientId>` (the caret); this module turns the awareness states of the
 * note doc into the CSS that colours them and labels each caret with the person's name.
 *
 * Awareness states come from other clients and are not trusted: a colour is used only when it
 * is `#rrggbb`, a client id only when it is a safe non-negative integer, and a name only as a
 * CSS string in which every character outside [A-Za-z0-9 ] is a hex escape, so no name can
 * end the string, the rule or the sheet. The sheet is a constructed CSSStyleSheet adopted by
 * the document: no `<style>` text is built from user input.
 */

export interface RemoteCursor {
  clientId: number;
  name: string;
  color: string;
}

const FALLBACK_COLOR = '#6b7280';
const MAX_NAME = 40;

/** The people with a `user` field in `states` other than `selfClientId`, ready for styling. */
export function remoteCursorsFrom(states: Map<number, Record<string, unknown>>, selfClientId: number): RemoteCursor[] {
  const out: RemoteCursor[] = [];
  states.forEach((state, clientId) => {
    if (clientId === selfClientId || !Number.isSafeInteger(clientId) || clientId < 0) return;
    const user = state.user as { name?: unknown; color?: unknown } | undefined;
    if (!user || typeof user.name !== 'string' || user.name.trim() === '') return;
    out.push({ clientId, name: user.name, color: safeColor(user.color) });
  });
  return out.sort((a, b) => a.name.localeCompare(b.name) || a.clientId - b.clientId);
}

/** The CSS for these cursors. */
export function remoteCursorCss(cursors: readonly RemoteCursor[]): string {
  return cursors
    .filter((c) => Number.isSafeInteger(c.clientId) && c.clientId >= 0)
    .map(({ clientId, name, color }) => {
      const hex = safeColor(color);
      return [
        `.yRemoteSelection-${clientId} { background-color: ${hex}33; }`,
        `.yRemoteSelectionHead-${clientId} { border-left: 2px solid ${hex}; }`,
        `.yRemoteSelectionHead-${clientId}::after { content: ${cssString(label(name))}; background-color: ${hex}; }`,
      ].join('\n');
    })
    .join('\n');
}

/** `#rrggbb` as given, or a neutral grey for anything else. */
export function safeColor(value: unknown): string {
  return typeof value === 'string' && /^#[0-9a-fA-F]{6}$/.test(value) ? value.toLowerCase() : FALLBACK_COLOR;
}

/** A double-quoted CSS string that holds `text` and nothing more (CSS Syntax §4.3.7 escapes). */
export function cssString(text: string): string {
  let out = '"';
  for (const ch of text) {
    out += /[A-Za-z0-9 ]/.test(ch) ? ch : `\\${ch.codePointAt(0)!.toString(16)} `;
  }
  return `${out}"`;
}

function label(name: string): string {
  const flat = name.replace(/\s+/g, ' ').trim();
  const chars = [...flat];
  return chars.length > MAX_NAME ? `${chars.slice(0, MAX_NAME - 1).join('')}…` : flat;
}
