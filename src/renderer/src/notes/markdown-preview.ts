/**
 * A note's markdown as sanitized DOM. Notes are written by anyone with edit rights and read by
 * everyone in the workspace, so the preview treats the text as hostile:
 *
 * 1. markdown-it renders CommonMark with inline HTML allowed (people paste `<details>`,
 *    `<kbd>`, and pandas' `df.to_html()` tables), and drops `javascript:`/`vbscript:`/`file:`
 *    link targets itself.
 * 2. DOMPurify then keeps HTML only (no SVG or MathML), removes scripts, event handlers, forms,
 *    frames, embeds and `style` (tags and attributes: nothing may restyle or overlay the app),
 *    and the hook below allows link targets of http, https and mailto only and image sources
 *    of https/http or inline raster data. Links open outside the app (`target=_blank`,
 *    `rel=noopener noreferrer`): the Electron main hands http(s) to the system browser, and
 *    in browser mode the app's tab stays where it is.
 * 3. The page's CSP (no inline script; images from the app or `data:` only) backs both up:
 *    a remote image in a note is not fetched, so a note cannot track who reads it.
 *
 * A note holding `<img onerror=…>` makes Chromium log "Executing inline event handler violates
 * … CSP" on each render: DOMPurify parses the HTML in an inert DOMParser document (scripting
 * is off there, so the handler could not run anyway), Chromium checks the attribute against
 * the CSP as it parses, and DOMPurify then removes it. The log is the attack being refused.
 */
import DOMPurify, { type Config } from 'dompurify';
import MarkdownIt from 'markdown-it';

const markdown = new MarkdownIt({ html: true, linkify: true });

const purify = DOMPurify(window);

const LINK_TARGET = /^(?:https?:|mailto:)/i;
const IMAGE_SOURCE = /^(?:https?:|data:image\/(?:png|gif|jpe?g|webp);)/i;

// Set on the attributes DOMPurify already allowed, so only the URL check is ours.
purify.addHook('afterSanitizeAttributes', (node) => {
  if (node.tagName === 'A') {
    const href = (node.getAttribute('href') ?? '').trim();
    if (!LINK_TARGET.test(href)) {
      node.removeAttribute('href');
      return;
    }
    node.setAttribute('target', '_blank');
    node.setAttribute('rel', 'noopener noreferrer');
  } else if (node.tagName === 'IMG') {
    if (!IMAGE_SOURCE.test((node.getAttribute('src') ?? '').trim())) node.removeAttribute('src');
  }
});

const CONFIG: Config = {
  USE_PROFILES: { html: true },
  FORBID_TAGS: ['style', 'form', 'input', 'button', 'textarea', 'select', 'option', 'iframe', 'frame', 'frameset', 'object', 'embed', 'link', 'meta', 'base', 'audio', 'video', 'source', 'track', 'dialog'],
  FORBID_ATTR: ['style', 'class', 'srcset', 'action', 'formaction', 'ping', 'background', 'poster'],
  ALLOW_DATA_ATTR: false,
  // Prefixes ids and names, so a note cannot clobber the app's globals or element ids.
  SANITIZE_NAMED_PROPS: true,
  // DOMPurify checks every attribute value against this, not only URLs: keep values that are
  // not a URL scheme at all ("2", "left", "#x"); the hook above is what narrows href and src.
  ALLOWED_URI_REGEXP: /^(?:(?:https?|mailto):|[^a-z]|[a-z+.-]+(?:[^a-z+.\-:]|$))/i,
};

/** Renders `source` (a note's markdown) to a sanitized fragment, ready to append to the page. */
export function renderNoteMarkdown(source: string): DocumentFragment {
  return sanitizeNoteHtml(markdown.render(source));
}

/**
 * HTML (from markdown, or a notebook's HTML output) as a fragment sanitized by the rules above,
 * with images that the CSP would not load replaced by what they are.
 */
export function sanitizeNoteHtml(html: string): DocumentFragment {
  const fragment = purify.sanitize(html, { ...CONFIG, RETURN_DOM_FRAGMENT: true });
  // The CSP lets only inline (data:) images load; any other would show as a broken icon.
  // Say what is there instead, with a link to it when it has an http(s) address.
  for (const img of fragment.querySelectorAll('img')) {
    const src = img.getAttribute('src') ?? '';
    if (src.startsWith('data:')) continue;
    const alt = img.getAttribute('alt')?.trim();
    const stand = document.createElement(src ? 'a' : 'span');
    if (src) {
      stand.setAttribute('href', src);
      stand.setAttribute('target', '_blank');
      stand.setAttribute('rel', 'noopener noreferrer');
    }
    stand.setAttribute('title', 'Images from other sites are not shown in notes');
    stand.textContent = `[image${alt ? `: ${alt}` : ''}]`;
    img.replaceWith(stand);
  }
  return fragment;
}
