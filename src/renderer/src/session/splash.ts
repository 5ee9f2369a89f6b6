/**
 * The splash: the workspace's incidents screen as the app last drew it, redrawn by boot.ts
 * before the app's scripts have loaded, the way an editor paints its last layout at start-up.
 * The app keeps a snapshot of that screen's DOM next to the list preview (same doc version, so
 * it is served only while the doc is still as it was drawn), and takes the splash down when its
 * own first screen is ready.
 *
 * A snapshot is structure and text only: elements from an allow-list with a few presentational
 * attributes, text as text. boot.ts rebuilds it with createElement and text nodes (buildSplash) under the same
 * allow-list (it cannot trust what the cache hands it either), inert and hidden from assistive
 * technology: it is a picture of the screen, not the screen. Parts marked `data-splash="skip"`
 * (presence, sync state: things that are only true now) are left out.
 */

import { isPlainIncidentsList } from './hash-route';

/** `text` | [tag, attributes or 0, ...children] */
export type SplashNode = string | [string, Record<string, string> | 0, ...SplashNode[]];

/** The elements a snapshot keeps, and the only ones `drawSplash` builds. */
export const SPLASH_TAGS = new Set([
  'a', 'aside', 'button', 'code', 'div', 'em', 'h1', 'h2', 'h3', 'input', 'kbd', 'label', 'li', 'main', 'nav',
  'ol', 'option', 'p', 'section', 'select', 'small', 'span', 'strong', 'table', 'tbody', 'td', 'th', 'thead', 'time', 'tr', 'ul',
]);
export const SPLASH_ATTRS = /^(class|role|title|datetime|colspan|scope|type|placeholder|value|href|elementtiming|aria-(label|current|pressed|busy|hidden|keyshortcuts))$/;
/** Bigger than this, no snapshot is kept (a screen of the incidents list is ~30 KB). */
export const SPLASH_MAX_NODES = 5000;

/** The DOM under `root` as a snapshot; null when it is too big. */
export function snapshotDom(root: Element): SplashNode | null {
  let nodes = 0;
  const walk = (el: Element): SplashNode | null => {
    const tag = el.tagName.toLowerCase();
    if (!SPLASH_TAGS.has(tag) || el.getAttribute('data-splash') === 'skip') return null;
    if (++nodes > SPLASH_MAX_NODES) throw new RangeError('too big');
    let attrs: Record<string, string> | 0 = 0;
    for (const { name, value } of Array.from(el.attributes)) {
      if (!SPLASH_ATTRS.test(name) || (name === 'href' && !value.startsWith('#/'))) continue;
      (attrs ||= {})[name] = value;
    }
    if (tag === 'option' && (el as HTMLOptionElement).selected) (attrs ||= {}).selected = '';
    const out: [string, Record<string, string> | 0, ...SplashNode[]] = [tag, attrs];
    for (const child of Array.from(el.childNodes)) {
      if (child.nodeType === Node.TEXT_NODE) {
        if (child.textContent) out.push(child.textContent);
      } else if (child.nodeType === Node.ELEMENT_NODE) {
        const sub = walk(child as Element);
        if (sub !== null) out.push(sub);
      }
    }
    return out;
  };
  try {
    return walk(root);
  } catch (err) {
    if (err instanceof RangeError) return null;
    throw err;
  }
}

/**
 * The screen to keep, or null when what is on screen is not the plain incidents list drawn
 * from the doc (another page, a filter, a form open, or the list still drawn from a preview).
 */
export function splashOfScreen(doc: Document = document): string | null {
  const shell = doc.querySelector('.shell');
  if (!shell?.querySelector('table.incidents[data-live]') || shell.querySelector('form.new-incident, dialog[open], [role="dialog"]')) return null;
  if (!isPlainIncidentsList(doc.defaultView?.location.hash ?? '')) return null;
  const snapshot = snapshotDom(shell);
  return snapshot === null ? null : JSON.stringify(snapshot);
}

/**
 * Builds a snapshot back into elements — what boot.ts draws. It cannot trust its input (the
 * cache hands it back), so it applies the allow-list again: unknown elements are dropped with
 * their content, attributes outside the list are dropped, links must stay in the app (`#/…`),
 * text is only ever text. Null when nothing is left or the snapshot is too big or too deep.
 */
export function buildSplash(node: unknown, doc: Document = document): Node | null {
  let nodes = 0;
  const build = (n: unknown, depth: number): Node | null => {
    if (typeof n === 'string') return doc.createTextNode(n);
    if (!Array.isArray(n) || typeof n[0] !== 'string' || !SPLASH_TAGS.has(n[0]) || depth > 64 || ++nodes > SPLASH_MAX_NODES) return null;
    const tag = n[0];
    const el = doc.createElement(tag);
    const attrs: unknown = n[1];
    if (attrs && typeof attrs === 'object') {
      for (const [name, value] of Object.entries(attrs)) {
        if (typeof value !== 'string') continue;
        if (name === 'selected' && tag === 'option') (el as HTMLOptionElement).selected = true;
        else if (SPLASH_ATTRS.test(name) && (name !== 'href' || value.startsWith('#/'))) el.setAttribute(name, value);
      }
    }
    for (let i = 2; i < n.length; i++) {
      const child = build(n[i], depth + 1);
      if (child) el.appendChild(child);
    }
    return el;
  };
  return build(node, 0);
}

/** Takes the splash down (the app's own screen is ready); the page shows the app from the next frame. */
export function dismissSplash(): void {
  document.getElementById('splash')?.remove();
  document.documentElement.classList.remove('splash-on');
}
