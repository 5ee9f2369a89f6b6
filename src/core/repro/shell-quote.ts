/**
 * Putting text from a run (paths, URLs, params, names — all user data) into generated shell
 * scripts and Dockerfiles without letting it run as a command.
 *
 * - In a POSIX shell, single quotes make everything literal except `'` itself, which is written
 *   as `'\''` (close, escaped quote, reopen). `$(…)`, backticks, `;`, `&&` stay text.
 * - A Dockerfile instruction ends at a newline even inside shell quotes, so a value with a
 *   newline (or any control character) would start a new instruction: such a value is refused
 *   (`safeWord` returns undefined) and the generator writes a comment instead.
 * - Comments get control characters shown as escapes (`\n`), so a comment is always one line.
 */

/** `s` as one single-quoted POSIX shell word. */
export function shQuote(s: string): string {
  return `'${s.replaceAll("'", "'\\''")}'`;
}

// Matching control characters is the point here.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f\u2028\u2029]/;
// eslint-disable-next-line no-control-regex
const CONTROL_ALL = /[\u0000-\u001f\u007f\u2028\u2029]/g;

/** True when `s` has no control characters (newline, CR, NUL, …). */
export const isOneLine = (s: string): boolean => !CONTROL.test(s);

/** `s` single-quoted when it is one line; undefined when it holds a control character. */
export function safeWord(s: string): string | undefined {
  return isOneLine(s) ? shQuote(s) : undefined;
}

/**
 * A URL as a quoted word when it names a scheme the tools take (`https://…`, `ssh://…`,
 * `s3://…`, or git's `user@host:path`); undefined otherwise. Quoting stops the shell from
 * reading it, but not the tool: a "URL" starting with `-` (`-K./x.cfg`, `--upload-pack=…`) would
 * be an option to curl or git, so anything that is not recognisably a URL is refused.
 */
export function safeUrl(s: string, schemes: readonly string[] = ['https', 'http']): string | undefined {
  if (!isOneLine(s) || /\s/.test(s)) return undefined;
  const scheme = /^([a-z][a-z0-9+.-]*):\/\/[^/\s]/i.exec(s)?.[1]?.toLowerCase();
  const scp = schemes.includes('ssh') && /^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[^\s]+$/.test(s);
  return (scheme !== undefined && schemes.includes(scheme)) || scp ? shQuote(s) : undefined;
}

/** The schemes git and DVC fetch code and data from. */
export const REPO_SCHEMES = ['https', 'http', 'ssh', 'git'] as const;

/** Text as it may appear after `# ` on one line: control characters escaped, no trailing `\`. */
export function commentText(s: string): string {
  const escaped = s.replace(CONTROL_ALL, (c) => {
    const named: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
    return named[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
  // A trailing backslash would continue the line in a Dockerfile.
  return escaped.endsWith('\\') ? `${escaped} (end)` : escaped;
}

/** A `# …` line (or several, one per item of `lines`). */
export const comment = (...lines: string[]): string => lines.map((l) => (l === '' ? '#' : `# ${commentText(l)}`)).join('\n');

/**
 * A relative path safe to write to from a script: `/`-separated, no `..`, not absolute, no
 * control characters; returned with a leading `./` when it starts with `-` (so no command reads
 * it as an option). Undefined when the path is not safe.
 */
export function safeRelativePath(path: string): string | undefined {
  if (!isOneLine(path) || path === '' || /^([/\\~]|[A-Za-z]:)/.test(path)) return undefined;
  const parts = path.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.length === 0 || parts.some((p) => p === '..' || p.includes('\\'))) return undefined;
  const joined = parts.join('/');
  return joined.startsWith('-') ? `./${joined}` : joined;
}
