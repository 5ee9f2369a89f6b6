/**
 * Syntax highlighting of code cells with Monaco's own tokenizers (`monaco.editor.colorize`), so
 * a notebook's code reads as it does in the notes editor without another highlighter in the
 * bundle. Monaco is loaded on first use (it is megabytes), with the tokenizers of the languages
 * notebooks are written in. colorize escapes the code and writes `<span class="mtkN">` runs; a
 * DOMPurify pass that keeps only spans, `br` and `class` makes sure of it.
 */
import DOMPurify from 'dompurify';

type Colorize = (code: string, language: string) => Promise<string>;
let loading: Promise<Colorize> | null = null;

const LANGUAGES: Record<string, string> = { python: 'python', ipython: 'python', ipython3: 'python', r: 'r', julia: 'julia', scala: 'scala', sql: 'sql', bash: 'shell', sh: 'shell', shell: 'shell', javascript: 'javascript', typescript: 'typescript' };

function load(): Promise<Colorize> {
  loading ??= (async () => {
    const [{ monaco }] = await Promise.all([
      import('../notes/monaco-setup'),
      import('monaco-editor/languages/definitions/python/register'),
      import('monaco-editor/languages/definitions/r/register'),
      import('monaco-editor/languages/definitions/julia/register'),
      import('monaco-editor/languages/definitions/scala/register'),
      import('monaco-editor/languages/definitions/sql/register'),
      import('monaco-editor/languages/definitions/shell/register'),
    ]);
    return (code: string, language: string) => monaco.editor.colorize(code, language, { tabSize: 4 });
  })();
  return loading;
}

const purify = DOMPurify(window);
/** Highlighted sources by language and text: a cell scrolled out and back in is not re-tokenized. */
const cache = new Map<string, DocumentFragment>();
const CACHE_LIMIT = 500;
/** Longer sources are shown plain: tokenizing them would hold the page up. */
const MAX_HIGHLIGHT = 50_000;

/** The highlighted code as sanitised DOM, or null when the language is not one we highlight. */
export async function highlight(code: string, language: string): Promise<DocumentFragment | null> {
  const lang = LANGUAGES[language.toLowerCase()];
  if (!lang || code.length > MAX_HIGHLIGHT) return null;
  const key = `${lang}\u0000${code}`;
  const hit = cache.get(key);
  if (hit) return hit.cloneNode(true) as DocumentFragment;
  const html = await (await load())(code, lang);
  const fragment = purify.sanitize(html, { ALLOWED_TAGS: ['span', 'br', 'div'], ALLOWED_ATTR: ['class'], RETURN_DOM_FRAGMENT: true });
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  cache.set(key, fragment);
  return fragment.cloneNode(true) as DocumentFragment;
}
