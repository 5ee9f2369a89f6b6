/**
 * What a role may change. Viewers change nothing; commenters may only add comments of their
 * own. The server decides by applying the update to a throwaway copy of the doc and looking
 * at what the transaction touched — the same integration Yjs does for real, so there is no
 * second decoder of the update format to get wrong. Commenter updates are rare and small, so
 * the copy is affordable; owners' and editors' updates never pay for it.
 */
import * as Y from 'yjs';
import { DOC_KEYS, commentSchema } from '../src/core/workspace/index.ts';

export type Verdict = { kind: 'allowed' } | { kind: 'denied'; reason: string };

const allowed: Verdict = { kind: 'allowed' };
const denied = (reason: string): Verdict => ({ kind: 'denied', reason });

export function checkCommenterUpdate(doc: Y.Doc, update: Uint8Array, memberId: string): Verdict {
  const probe = new Y.Doc({ gc: false });
  try {
    Y.applyUpdate(probe, Y.encodeStateAsUpdate(doc));
    const comments = probe.getMap<unknown>(DOC_KEYS.comments);
    const existing = new Set(comments.keys());
    let verdict: Verdict = allowed;
    probe.on('afterTransaction', (tr: Y.Transaction) => {
      if (verdict.kind === 'denied') return;
      if (tr.deleteSet.clients.size > 0) {
        verdict = denied('commenters cannot delete or overwrite anything');
        return;
      }
      for (const [type, keys] of tr.changed) {
        if (type !== (comments as unknown)) {
          verdict = denied('commenters can only add comments');
          return;
        }
        for (const key of keys) {
          if (key === null || existing.has(key)) {
            verdict = denied('commenters cannot change an existing comment');
            return;
          }
          const parsed = commentSchema.safeParse(comments.get(key));
          if (!parsed.success) {
            verdict = denied(`comment ${key} is not a valid comment`);
            return;
          }
          if (parsed.data.authorId !== memberId) {
            verdict = denied('a comment must be written under your own member id');
            return;
          }
        }
      }
    });
    Y.applyUpdate(probe, update);
    // Structs waiting on missing ones would integrate later, unchecked: refuse them now.
    if (probe.store.pendingStructs !== null || probe.store.pendingDs !== null) {
      return denied('update depends on changes the server does not have');
    }
    return verdict;
  } finally {
    probe.destroy();
  }
}
