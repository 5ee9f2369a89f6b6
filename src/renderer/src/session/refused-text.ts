/**
 * What a set of refused Yjs changes wrote, as text a person can copy back: the characters typed
 * into texts (a note, a comment body) and the values set in maps (a severity, a record's
 * fields), in the order the update holds them. Of a whole record (a comment, a timeline event)
 * only its prose is kept — a comment's body, a title — not the ids and clocks the command added.
 * Deletions write nothing, so they add nothing.
 */
import * as Y from 'yjs';

/**
 * The text of an update's inserted content; '' when it only deletes. `from`, the doc the update
 * was taken from, names the map key of a value that replaced another (an update names a key
 * only for the first value set under it).
 */
export function refusedText(update: Uint8Array, from?: Y.Doc): string {
  // A text run still open for more typing is marked `open`.
  const parts: { text: string; open: boolean }[] = [];
  for (const struct of Y.decodeUpdate(update).structs) {
    if (!(struct instanceof Y.Item)) continue;
    const content = struct.content as { str?: unknown; arr?: unknown };
    if (typeof content.str === 'string') {
      // Consecutive typing in one text arrives as neighbouring items: keep it one line.
      const last = parts[parts.length - 1];
      if (last?.open) last.text += content.str;
      else parts.push({ text: content.str, open: true });
    } else if (Array.isArray(content.arr)) {
      const sub = struct.parentSub ?? (from ? integrated(from, struct.id)?.parentSub : null);
      const key = sub ? `${sub}: ` : '';
      for (const value of content.arr) {
        // Bookkeeping the command added (updatedAt: a clock reading) is not what anyone wrote.
        if (value === undefined || value === null || (typeof value === 'number' && typeof sub === 'string' && sub.endsWith('At'))) continue;
        // A record sits under its id, which says nothing to a person: its prose stands alone.
        const text = typeof value === 'object' ? proseOf(value as Record<string, unknown>) : key + String(value);
        if (text) parts.push({ text, open: false });
      }
    }
  }
  return parts.map((p) => p.text).filter((t) => t.trim() !== '').join('\n');
}

/** The item with this id as integrated in `doc`, if any. */
function integrated(doc: Y.Doc, id: Y.Item['id']): Y.Item | null {
  const structs = doc.store.clients.get(id.client) ?? [];
  for (const s of structs) {
    if (s.id.clock <= id.clock && id.clock < s.id.clock + s.length) return s instanceof Y.Item ? s : null;
  }
  return null;
}

/** Fields people write in records; the rest (ids, dates, who) the app fills in. */
const PROSE_FIELDS = ['title', 'body', 'description', 'message', 'comment', 'text'];

function proseOf(record: Record<string, unknown>): string {
  if (Array.isArray(record)) return record.filter((v) => typeof v === 'string').join(', ');
  return PROSE_FIELDS.flatMap((f) => (typeof record[f] === 'string' && record[f] !== '' ? [`${f}: ${record[f]}`] : [])).join('\n');
}
