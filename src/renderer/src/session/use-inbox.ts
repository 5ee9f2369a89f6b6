import { useCallback } from 'react';
import type * as Y from 'yjs';
import type { InboxItem } from '../../../core/workspace';
import { useDocValue, useSessionVersion } from './hooks';
import { inboxOf } from './inbox-model';
import type { WorkspaceSession } from './workspace-session';

export interface Inbox {
  items: InboxItem[];
  /** Items not read on this device. Zero until the read state has loaded, so nothing flashes. */
  unread: InboxItem[];
}

/** This person's inbox: mentions of them in comments and notes, and which are unread. */
export function useInbox(session: WorkspaceSession): Inbox {
  useSessionVersion(session);
  const memberId = session.connection.memberId;
  const items = useDocValue(session.doc, useCallback((doc: Y.Doc) => inboxOf(doc, memberId), [memberId]));
  const reads = session.inboxReads;
  return { items, unread: reads ? items.filter((i) => !reads.has(i.id)) : [] };
}

/**
 * Where an inbox item opens: the page it is on, with what to scroll to and mark: `?comment=`
 * a comment, `?mention=` a handoff's request ("request") or decision, or the line of a note.
 */
export function inboxItemHref(workspaceId: string, item: InboxItem): string {
  if (item.kind === 'note') return `#/w/${workspaceId}/notes/${encodeURIComponent(item.noteId)}?mention=you`;
  if (item.kind === 'handoff') return `#/w/${workspaceId}/handoffs/${encodeURIComponent(item.handoffId)}?mention=${encodeURIComponent(item.decisionId ?? 'request')}`;
  const section = { incident: 'incidents', run: 'runs', datasetVersion: 'datasets', note: 'notes', modelVersion: 'model-versions', handoff: 'handoffs', notebook: 'notebooks' }[item.target.kind];
  return `#/w/${workspaceId}/${section}/${encodeURIComponent(item.target.id)}?comment=${encodeURIComponent(item.commentId)}`;
}
