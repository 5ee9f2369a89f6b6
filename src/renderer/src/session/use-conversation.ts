/**
 * A comment target's conversation doc (src/core/workspace/thread-docs.ts), open while the caller
 * is mounted, once the server has split the workspace (`meta.conversations`); before that the
 * conversation is in the workspace doc and this gives null. Opened like a note doc
 * (session.openDoc): cached locally, and edits made offline are pushed on reconnect.
 */
import { createContext, useCallback, useContext } from 'react';
import type * as Y from 'yjs';
import { DOC_KEYS, type ThreadKind, threadDocName } from '../../../core/workspace';
import { useOpenDoc } from '../notes/note-hooks';
import { useDocValue, useDocVersion } from './hooks';
import type { WorkspaceSession } from './workspace-session';

const isSplit = (doc: Y.Doc) => doc.getMap(DOC_KEYS.meta).get('conversations') === 'threads';

/** The target's conversation doc, opened while the caller is mounted (null until the workspace is split). */
export function useConversationOpen(session: WorkspaceSession, target: { kind: ThreadKind; id: string }): Y.Doc | null {
  const split = useDocValue(session.doc, isSplit);
  const handle = useOpenDoc(session, split ? threadDocName(session.connection.workspaceId, target) : null);
  return handle?.doc ?? null;
}

/** Reads `read(workspaceDoc, conversationDoc)`, again whenever either doc changes. */
export function useWithConversation<T>(session: WorkspaceSession, conversation: Y.Doc | null, read: (doc: Y.Doc, conversation: Y.Doc | null) => T): T {
  const version = useDocVersion(conversation);
  // `version` is in the deps so that a change to the conversation doc re-reads.
  const readBoth = useCallback((doc: Y.Doc) => read(doc, conversation), [read, conversation, version]);
  return useDocValue(session.doc, readBoth);
}

/**
 * useConversationOpen and useWithConversation in one: the value, and the conversation doc
 * (null: not split, write to the workspace doc).
 */
export function useConversation<T>(session: WorkspaceSession, target: { kind: ThreadKind; id: string }, read: (doc: Y.Doc, conversation: Y.Doc | null) => T): { value: T; conversation: Y.Doc | null } {
  const conversation = useConversationOpen(session, target);
  return { value: useWithConversation(session, conversation, read), conversation };
}

/** The conversation doc the threads below are read from (null: the workspace doc holds them). */
export const ConversationContext = createContext<Y.Doc | null>(null);

export function useConversationDoc(): Y.Doc | null {
  return useContext(ConversationContext);
}
