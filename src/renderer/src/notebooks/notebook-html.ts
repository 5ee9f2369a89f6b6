/**
 * A notebook's text as sanitised DOM: markdown cells (with `$…$` / `$$…$$` math typeset by
 * KaTeX), HTML outputs (pandas tables) and ANSI-coloured streams. A notebook comes from anyone
 * with edit rights and is read by everyone, so everything is treated as hostile:
 *
 * - markdown and HTML go through markdown-it (no `javascript:` links) and DOMPurify with the
 *   notes' rules (sanitizeNoteHtml: no script, handlers, forms, frames, style; links open
 *   outside; images only from `data:`), and are appended as nodes, never re-parsed;
 * - math is cut out of the markdown before it is rendered and typeset afterwards into the
 *   sanitised tree with `katex.render` (DOM nodes, `trust: false`: no \href, \url or HTML
 *   extensions), so neither markdown-it nor the sanitiser sees KaTeX's markup and no TeX can
 *   smuggle HTML through;
 * - ANSI streams: ansi_up escapes the text and writes only `<span style="color…">`, and a
 *   DOMPurify pass that allows spans with a style and nothing else makes sure of it.
 * The page's CSP (no inline script, `data:` images only) backs all of this up.
 */
import { AnsiUp } from 'ansi_up';
import DOMPurify from 'dompurify';
import katex from 'katex';
import MarkdownIt, { type StateInline } from 'markdown-it';
import { sanitizeNoteHtml } from '../notes/markdown-preview';
import 'katex/dist/katex.min.css';

const markdown = new MarkdownIt({ html: true, linkify: true });

/** Longest TeX typeset; longer math shows as its source (KaTeX's cost grows with it). */
const MAX_TEX = 5000;

// `$…$` and `$$…$$` as one token each, as Jupyter's markdown reads them. A `$` followed by a
// space or digit run (`$5 and $10`) is left as text, as in Jupyter.
markdown.inline.ruler.after('escape', 'math', (state: StateInline, silent: boolean) => {
  const src = state.src;
  const start = state.pos;
  if (src.charCodeAt(start) !== 0x24 /* $ */) return false;
  const display = src.charCodeAt(start + 1) === 0x24;
  const open = display ? 2 : 1;
  const close = display ? '$$' : '$';
  if (!display && /[\s\d]/.test(src[start + 1] ?? ' ')) return false;
  let end = src.indexOf(close, start + open);
  while (end !== -1 && src.charCodeAt(end - 1) === 0x5c /* \ */) end = src.indexOf(close, end + 1);
  if (end === -1 || end === start + open) return false;
  if (!silent) {
    const token = state.push('math', 'span', 0);
    token.content = src.slice(start + open, end);
    token.meta = { display };
  }
  state.pos = end + close.length;
  return true;
});

/** Renders markdown with its math, and `attachment:` images from the cell's attachments. */
export function renderNotebookMarkdown(source: string, attachments: Record<string, Record<string, string>> = {}): DocumentFragment {
  const math: { tex: string; display: boolean }[] = [];
  // A marker no markdown or sanitiser changes; random per render so a notebook cannot forge one.
  const nonce = Math.random().toString(36).slice(2, 10);
  const marker = (i: number) => `NBMATH${nonce}X${i}X`;
  markdown.renderer.rules.math = (tokens, idx) => {
    math.push({ tex: tokens[idx]!.content, display: Boolean((tokens[idx]!.meta as { display: boolean }).display) });
    return marker(math.length - 1);
  };
  markdown.renderer.rules.image = (tokens, idx, options, _env, self) => {
    const token = tokens[idx]!;
    const src = String(token.attrGet('src') ?? '');
    if (src.startsWith('attachment:')) {
      const bundle = attachments[decodeURIComponent(src.slice('attachment:'.length))];
      const mime = bundle && Object.keys(bundle).find((m) => /^image\/(png|jpeg|gif|webp)$/.test(m));
      if (bundle && mime && /^[A-Za-z0-9+/=\s]*$/.test(bundle[mime]!)) token.attrSet('src', `data:${mime};base64,${bundle[mime]!.replace(/\s+/g, '')}`);
    }
    return self.renderToken(tokens, idx, options);
  };
  const fragment = sanitizeNoteHtml(defuseHandlers(markdown.render(source)));
  if (math.length > 0) typesetMarkers(fragment, new RegExp(`NBMATH${nonce}X(\\d+)X`, 'g'), math);
  return fragment;
}

function typesetMarkers(root: DocumentFragment, pattern: RegExp, math: { tex: string; display: boolean }[]): void {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const texts: Text[] = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) if (pattern.test((n as Text).data)) texts.push(n as Text);
  for (const text of texts) {
    const parts = text.data.split(pattern);
    const nodes: Node[] = parts.map((part, i) => (i % 2 === 0 ? document.createTextNode(part) : typeset(math[Number(part)]!)));
    text.replaceWith(...nodes);
  }
}

/** One formula as KaTeX DOM; its source as code when it does not parse or is too long. */
export function typeset({ tex, display }: { tex: string; display: boolean }): HTMLElement {
  const el = document.createElement(display ? 'div' : 'span');
  el.className = display ? 'nb-math display' : 'nb-math';
  if (tex.length > MAX_TEX) {
    el.textContent = display ? `$$${tex}$$` : `$${tex}$`;
    return el;
  }
  try {
    katex.render(tex, el, { displayMode: display, throwOnError: false, trust: false, strict: 'ignore', maxSize: 50, maxExpand: 500, output: 'htmlAndMathml' });
  } catch {
    el.textContent = tex;
  }
  return el;
}

/** An HTML output (a pandas table, a report) as sanitised DOM. */
export function renderOutputHtml(html: string): DocumentFragment {
  return sanitizeNoteHtml(defuseHandlers(html));
}

/**
 * Renames `on…=` attributes inside tags to a `data-` name DOMPurify drops anyway. Not for
 * safety (the sanitiser removes handlers whatever their name): Chromium checks a handler
 * attribute against the page's CSP as DOMPurify's parser reads it, and reports a refusal for
 * every one — a hostile notebook would flood the CSP reports with attacks already refused.
 */
export function defuseHandlers(html: string): string {
  return html.replace(/<[A-Za-z][^>]*>/g, (tag) => tag.replace(/([\s/"'])on([a-z]+)(\s*=)/gi, '$1data-defused-$2$3'));
}

const ansiPurify = DOMPurify(window);

/** ANSI-coloured text as `<span style="color:…">` runs (see the file header). */
export function renderAnsi(text: string): DocumentFragment {
  const ansi = new AnsiUp();
  ansi.escape_html = true;
  ansi.url_allowlist = {};
  return ansiPurify.sanitize(ansi.ansi_to_html(text), { ALLOWED_TAGS: ['span'], ALLOWED_ATTR: ['style'], RETURN_DOM_FRAGMENT: true });
}

/** Only the text of ANSI-coloured output (for diffs and search). */
export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '');
}
