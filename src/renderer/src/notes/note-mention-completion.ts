/**
 * The @-picker in a note's text: Monaco's own suggest widget, fed by a completion provider for
 * markdown that answers "@" and the start of a name with the workspace's members (the same
 * query and matching as the comment boxes' picker, components/mention-query.ts). Accepting one
 * writes "@Name ", which the note's mention recorder then finds (core/workspace/inbox.ts).
 * Each note model says whose names it offers (`offerMentions`); other models get none.
 */
import { matchMembers, mentionQuery } from '../components/mention-query';
import { monaco } from './monaco-setup';

export interface Mentionable {
  name: string;
  role: string;
}

const offers = new WeakMap<monaco.editor.ITextModel, () => readonly Mentionable[]>();

monaco.languages.registerCompletionItemProvider('markdown', {
  triggerCharacters: ['@'],
  provideCompletionItems(model, position) {
    const members = offers.get(model)?.() ?? [];
    const before = model.getLineContent(position.lineNumber).slice(0, position.column - 1);
    const query = mentionQuery(before, before.length);
    if (!query || members.length === 0) return { suggestions: [] };
    const range = new monaco.Range(position.lineNumber, query.start + 1, position.lineNumber, position.column);
    return {
      suggestions: matchMembers(members, query.query).map((m, i) => ({
        label: `@${m.name}`,
        kind: monaco.languages.CompletionItemKind.User,
        detail: m.role,
        insertText: `@${m.name} `,
        filterText: `@${m.name}`,
        sortText: String(i).padStart(3, '0'),
        range,
      })),
    };
  },
});

/** Offers `members()` (read when a completion is asked for) as mentions in `model`; returns the undo. */
export function offerMentions(model: monaco.editor.ITextModel, members: () => readonly Mentionable[]): () => void {
  offers.set(model, members);
  return () => offers.delete(model);
}
