/** What the @-picker (mention-textarea.tsx) reads from the text: the query being typed, and who matches it. */

/** The "@query" being typed just before the caret, or null. Names may hold spaces ("Bo Chen"). */
export function mentionQuery(text: string, caret: number): { start: number; query: string } | null {
  const before = text.slice(0, caret);
  const at = before.lastIndexOf('@');
  if (at < 0 || (at > 0 && !/[\s(,;:]/.test(before[at - 1]!))) return null;
  const query = before.slice(at + 1);
  if (query.length > 40 || /[\n@]/.test(query) || /\s\s/.test(query)) return null;
  return { start: at, query };
}

/** Members whose name starts with the query (then those containing it), at most eight. */
export function matchMembers<M extends { name: string }>(members: readonly M[], query: string): M[] {
  const q = query.toLowerCase();
  const starts = members.filter((m) => m.name.toLowerCase().startsWith(q));
  const contains = members.filter((m) => !m.name.toLowerCase().startsWith(q) && m.name.toLowerCase().includes(q));
  return [...starts, ...contains].slice(0, 8);
}
