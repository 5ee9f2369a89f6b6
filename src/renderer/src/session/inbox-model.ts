/**
 * One inbox per doc and member, kept until a record it is read from changes. `listInbox` walks
 * every mention record, handoff and (in a workspace made before conversations moved out) comment:
 * in bench:open's three-year workspace its first read was a 57 ms part of one long task at open,
 * and each of its two readers (the shell's unread count and the mention notifier) read it again
 * at every change anywhere in the workspace doc — an edit to a run or a monitor included.
 * Now both read this one list, computed again only after a change to what it names.
 */
import type * as Y from 'yjs';
import { type InboxItem, listInbox } from '../../../core/workspace/inbox';
import { DOC_KEYS } from '../../../core/workspace/schema';
import { changesTo } from './map-changes';

/** Everything listInbox and its titles (targetTitle, versionTitle) read; deep, as an incident is a Y.Map whose title changes in place. */
const READ_FROM = [
  DOC_KEYS.comments, DOC_KEYS.commentMentions, DOC_KEYS.noteMentions, DOC_KEYS.notes, DOC_KEYS.handoffs,
  DOC_KEYS.handoffEvents, DOC_KEYS.members, DOC_KEYS.models, DOC_KEYS.modelVersions, DOC_KEYS.incidents,
  DOC_KEYS.runs, DOC_KEYS.notebooks, DOC_KEYS.datasetVersions,
] as const;

const kept = new WeakMap<Y.Doc, Map<string, { version: number; items: InboxItem[] }>>();

/** `memberId`'s inbox in `doc` as it is now: the same array until something it reads changes. */
export function inboxOf(doc: Y.Doc, memberId: string): InboxItem[] {
  const version = changesTo(doc, READ_FROM);
  let byMember = kept.get(doc);
  if (!byMember) kept.set(doc, (byMember = new Map()));
  const hit = byMember.get(memberId);
  if (hit && hit.version === version) return hit.items;
  const items = listInbox(doc, memberId);
  byMember.set(memberId, { version, items });
  return items;
}
