/**
 * What a role may change. Viewers change nothing. Commenters may add comments and replies of
 * their own, add and take back their own reactions, and resolve or reopen threads they started
 * — each of which writes a new record under a key of its own (see the schema), so the rule is
 * about records and keys: a new key whose record is theirs, or deleting a reaction key that is
 * theirs, and nothing else.
 *
 * The server decides by applying the update to a throwaway copy of the doc and looking at what
 * the transaction touched — the same integration Yjs does for real, so there is no second
 * decoder of the update format to get wrong. Commenter updates are rare and small, so the copy
 * is affordable; owners' and editors' updates never pay for it.
 */
import * as Y from 'yjs';
import { DOC_KEYS, commentSchema, reactionKey, reactionSchema, threadResolutionSchema } from '../src/core/workspace/index.ts';

export type Verdict = { kind: 'allowed' } | { kind: 'denied'; reason: string };

const allowed: Verdict = { kind: 'allowed' };
const denied = (reason: string): Verdict => ({ kind: 'denied', reason });

/** Judges one key of one commenter-writable map: `before` is its value before the update, `after` now. */
type KeyRule = (key: string, before: unknown, after: unknown, probe: Y.Doc, memberId: string) => string | null;

const NOT_YOURS_TO_CHANGE = 'commenters cannot change or delete what is already there';

const RULES: Record<string, KeyRule> = {
  [DOC_KEYS.comments]: (key, before, after, _probe, memberId) => {
    if (before !== undefined) return 'commenters cannot change an existing comment';
    if (after === undefined) return null; // written and taken back within this update: nothing lands
    const parsed = commentSchema.safeParse(after);
    if (!parsed.success || parsed.data.id !== key) return `comment ${key} is not a valid comment`;
    return parsed.data.authorId === memberId ? null : 'a comment must be written under your own member id';
  },
  [DOC_KEYS.reactions]: (key, before, after, _probe, memberId) => {
    if (before !== undefined) {
      // Taking a reaction back deletes its record; only the person whose key it is may.
      const old = reactionSchema.safeParse(before);
      if (after !== undefined || !old.success || key !== reactionKey(old.data) || old.data.memberId !== memberId) return NOT_YOURS_TO_CHANGE;
      return null;
    }
    if (after === undefined) return null;
    const parsed = reactionSchema.safeParse(after);
    if (!parsed.success || key !== reactionKey(parsed.data)) return `reaction ${key} is not a valid reaction`;
    return parsed.data.memberId === memberId ? null : 'a reaction must be given under your own member id';
  },
  [DOC_KEYS.threadResolutions]: (key, before, after, probe, memberId) => {
    if (before !== undefined) return NOT_YOURS_TO_CHANGE;
    if (after === undefined) return null;
    const parsed = threadResolutionSchema.safeParse(after);
    if (!parsed.success || parsed.data.id !== key) return `thread resolution ${key} is not valid`;
    if (parsed.data.byId !== memberId) return 'a thread must be resolved under your own member id';
    const root = commentSchema.safeParse(probe.getMap(DOC_KEYS.comments).get(parsed.data.commentId));
    if (!root.success || root.data.parentId !== undefined) return 'only a thread\'s first comment can be resolved';
    return root.data.authorId === memberId ? null : 'commenters can resolve only threads they started';
  },
};

export function checkCommenterUpdate(doc: Y.Doc, update: Uint8Array, memberId: string): Verdict {
  const probe = new Y.Doc({ gc: false });
  try {
    Y.applyUpdate(probe, Y.encodeStateAsUpdate(doc));
    const maps = new Map<unknown, string>(Object.keys(RULES).map((name) => [probe.getMap<unknown>(name), name]));
    // Values before the update, per map: the rules compare them with what is there after.
    const before = new Map([...maps.values()].map((name) => [name, new Map(probe.getMap<unknown>(name).entries())]));
    let refused: string | null = null;
    probe.on('afterTransaction', (tr: Y.Transaction) => {
      if (refused !== null) return;
      // A deletion marks the key it removed as changed on its map (Item.delete), so the per-key
      // rules below judge it; but not inside a type that is itself deleted, so say here too that
      // nothing outside these maps is deleted at all.
      Y.iterateDeletedStructs(tr, tr.deleteSet, (struct) => {
        if (!(struct instanceof Y.Item && maps.has(struct.parent))) refused ??= NOT_YOURS_TO_CHANGE;
      });
      if (refused !== null) return;
      for (const [type, keys] of tr.changed) {
        const name = maps.get(type);
        if (name === undefined) {
          refused = 'commenters can only add comments, reactions and thread resolutions';
          return;
        }
        for (const key of keys) {
          refused = key === null ? NOT_YOURS_TO_CHANGE : RULES[name]!(key, before.get(name)!.get(key), probe.getMap<unknown>(name).get(key), probe, memberId);
          if (refused !== null) return;
        }
      }
    });
    Y.applyUpdate(probe, update);
    // Structs waiting on missing ones would integrate later, unchecked: refuse them now.
    if (probe.store.pendingStructs !== null || probe.store.pendingDs !== null) {
      return denied('update depends on changes the server does not have');
    }
    return refused === null ? allowed : denied(refused);
  } finally {
    probe.destroy();
  }
}
