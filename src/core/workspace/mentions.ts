/**
 * @mentions: which members a piece of text mentions. A mention is `@` followed by a member's
 * display name (names may hold spaces, so "@Ana Lima" works), matched case-insensitively and
 * only at a word boundary on both sides; when names overlap ("Ana" and "Ana Lima") the longest
 * wins, as a reader would read it.
 */
export interface Mentionable {
  id: string;
  name: string;
}

/** Member ids mentioned in `text`, in order of first mention, without repeats. */
export function findMentions(text: string, members: readonly Mentionable[]): string[] {
  const byLength = [...members].filter((m) => m.name.trim() !== '').sort((a, b) => b.name.length - a.name.length);
  const found: string[] = [];
  const lower = text.toLowerCase();
  for (let at = lower.indexOf('@'); at !== -1; at = lower.indexOf('@', at + 1)) {
    if (at > 0 && /[\p{L}\p{N}_.]/u.test(lower[at - 1]!)) continue; // an e-mail address, not a mention
    const rest = lower.slice(at + 1);
    const member = byLength.find((m) => {
      const name = m.name.toLowerCase();
      return rest.startsWith(name) && !/[\p{L}\p{N}_]/u.test(rest[name.length] ?? ' ');
    });
    if (member && !found.includes(member.id)) found.push(member.id);
  }
  return found;
}
