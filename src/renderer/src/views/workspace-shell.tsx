import { OpeningWorkspace } from '../components/opening-workspace';
import { Suspense, lazy, useCallback, useEffect, useLayoutEffect } from 'react';
import type * as Y from 'yjs';
import { readWorkspaceMeta } from '../../../core/workspace';
import { CommandPalette } from '../components/command-palette';
import { PresenceList } from '../components/presence-list';
import { SkipLink } from '../components/skip-link';
import { SyncIndicator } from '../components/sync-indicator';
import { RefusedEditsPanel } from '../components/refused-edits';
import { ServerBehindNotice } from '../components/server-behind';
import { navigate, useDocValue, useSessionVersion } from '../session/hooks';
import { dismissSplash } from '../session/splash';
import { itemName, pageTitle } from '../session/page-title';
import type { WorkspaceSession } from '../session/workspace-session';
import { IncidentDetail } from './incident-detail';
import { IncidentsPage } from './incidents-page';
import { HistoryPage } from './history-page';
import { MembersPage } from './members-page';
import { InboxPage } from './inbox-page';
import { WebhooksPage } from './webhooks-page';
import { IncidentNotifier } from '../components/incident-notifier';
import { MentionNotifier } from '../components/mention-notifier';
import { PageErrorBoundary } from '../components/page-error-boundary';
import { useInbox } from '../session/use-inbox';
import { HandoffNotifier } from '../registry/handoff-notifier';
import { ModelsNavLink, REGISTRY_SECTIONS } from '../registry/registry-nav';

// The dataset views carry the chart library; load them when someone opens them.
const DatasetsPage = lazy(() => import('./datasets-page').then((m) => ({ default: m.DatasetsPage })));
const DatasetVersionPage = lazy(() => import('./dataset-version-page').then((m) => ({ default: m.DatasetVersionPage })));
const ComparisonPage = lazy(() => import('./comparison-page').then((m) => ({ default: m.ComparisonPage })));
// A note page carries Monaco (megabytes): fetch it when a note is opened, not with the app.
const NotesPage = lazy(() => import('./notes-page').then((m) => ({ default: m.NotesPage })));
const NotePage = lazy(() => import('./note-page').then((m) => ({ default: m.NotePage })));
// Notebook pages carry KaTeX, the diff library and (on first highlight) Monaco.
const NotebooksPage = lazy(() => import('../notebooks/notebooks-page').then((m) => ({ default: m.NotebooksPage })));
const NotebookPage = lazy(() => import('../notebooks/notebook-page').then((m) => ({ default: m.NotebookPage })));
const MonitorsPage = lazy(() => import('./monitors-page').then((m) => ({ default: m.MonitorsPage })));
// Runs carry recharts (metric charts) too.
const RunsPage = lazy(() => import('../runs/runs-page').then((m) => ({ default: m.RunsPage })));
const RunPage = lazy(() => import('../runs/run-page').then((m) => ({ default: m.RunPage })));
const ComparePage = lazy(() => import('../runs/compare-page').then((m) => ({ default: m.ComparePage })));
// The registry's pages carry the environment parsers (YAML) for checklists and diffs.
const RegistryRoute = lazy(() => import('../registry/registry-routes').then((m) => ({ default: m.RegistryRoute })));
const MonitorDetail = lazy(() => import('./monitor-detail').then((m) => ({ default: m.MonitorDetail })));

/** Sidebar (workspace, navigation, sync state, who is here) and the routed page. */
export function WorkspaceShell({ session, route }: { session: WorkspaceSession; route: string[] }) {
  useSessionVersion(session);
  const meta = useDocValue(session.doc, useCallback((doc: Y.Doc) => readWorkspaceMeta(doc), []));
  const [section = 'incidents', itemId] = route;
  const viewing = itemId ? `${section}/${itemId}` : section;
  const ws = session.connection.workspaceId;
  const unread = useInbox(session).unread.length;

  useEffect(() => session.setViewing(viewing), [session, viewing]);
  const item = useDocValue(session.doc, useCallback((doc: Y.Doc) => (itemId ? itemName(doc, section, itemId) : undefined), [section, itemId]));
  const workspaceName = meta?.name ?? session.connection.name;
  useEffect(() => {
    document.title = pageTitle({ section, item, workspace: workspaceName, unread });
  }, [section, item, workspaceName, unread]);
  useEffect(() => () => void (document.title = 'Driftdesk'), []);
  // boot.ts may be showing the incidents list as last drawn (session/splash.ts): it goes when this
  // screen has its own list (from the kept preview or the doc), or at once for any other page.
  const waitingForList = section === 'incidents' && !itemId && !session.loaded && !session.incidentsPreview;
  useLayoutEffect(() => {
    if (!waitingForList) dismissSplash();
  }, [waitingForList]);

  return (
    <div className="shell">
      <SkipLink target="main-content" />
      <aside className="sidebar" aria-label="Workspace">
        <button type="button" className="link muted" onClick={() => navigate()}>← All workspaces</button>
        <h1 className="workspace-name">{meta?.name ?? session.connection.name}</h1>
        <p className="muted small" data-testid="you-are">You are {session.connection.memberName} ({session.connection.role})</p>
        {session.roleNotice && <p className="small role-notice" role="status" data-testid="role-notice">{session.roleNotice}</p>}
        <CommandPalette session={session} />
        <nav aria-label="Sections">
          <a href={`#/w/${ws}/inbox`} aria-current={section === 'inbox' ? 'page' : undefined}>
            Inbox{unread > 0 && <span className="count-badge" data-testid="inbox-unread" aria-label={`${unread} unread`}>{unread}</span>}
          </a>
          <a href={`#/w/${ws}/incidents`} aria-current={section === 'incidents' ? 'page' : undefined}>Incidents</a>
          <a href={`#/w/${ws}/monitors`} aria-current={section === 'monitors' ? 'page' : undefined}>Monitors</a>
          <a href={`#/w/${ws}/runs`} aria-current={section === 'runs' || section === 'compare' ? 'page' : undefined}>Runs</a>
          <ModelsNavLink session={session} section={section} />
          <a href={`#/w/${ws}/datasets`} aria-current={section === 'datasets' || section === 'comparisons' ? 'page' : undefined}>Datasets</a>
          <a href={`#/w/${ws}/notes`} aria-current={section === 'notes' ? 'page' : undefined}>Notes</a>
          <a href={`#/w/${ws}/notebooks`} aria-current={section === 'notebooks' ? 'page' : undefined}>Notebooks</a>
          <a href={`#/w/${ws}/members`} aria-current={section === 'members' ? 'page' : undefined}>Members</a>
          <a href={`#/w/${ws}/history`} aria-current={section === 'history' ? 'page' : undefined}>History</a>
          {/* The server shows webhooks to owners and editors only. */}
          {(session.connection.role === 'owner' || session.connection.role === 'editor') && (
            <a href={`#/w/${ws}/webhooks`} aria-current={section === 'webhooks' ? 'page' : undefined}>Webhooks</a>
          )}
        </nav>
        <SyncIndicator session={session} />
        <RefusedEditsPanel session={session} />
        <ServerBehindNotice session={session} />
        <MentionNotifier session={session} />
        <IncidentNotifier session={session} />
        <HandoffNotifier session={session} />
        <PresenceList session={session} />
      </aside>
      <main className="content" id="main-content" tabIndex={-1}>
        <PageErrorBoundary resetKey={route.join('/')}>
        {/* Remounted when a doc is replaced by the server's state or the role changes: no view keeps the old doc or controls. */}
        <Suspense key={`${session.generation}:${session.connection.role}`} fallback={<p className="muted" role="status">Loading…</p>}>
        {/* Until the cached state is applied, only the incidents list (from the kept rows) is drawn. */}
        {!session.loaded && (section !== 'incidents' || itemId) ? (
          <OpeningWorkspace session={session} />
        ) : section === 'inbox' ? (
          <InboxPage session={session} />
        ) : section === 'members' ? (
          <MembersPage session={session} />
        ) : section === 'webhooks' ? (
          <WebhooksPage session={session} />
        ) : section === 'history' ? (
          <HistoryPage session={session} />
        ) : REGISTRY_SECTIONS.includes(section) ? (
          <RegistryRoute session={session} section={section} itemId={itemId} />
        ) : section === 'datasets' ? (
          itemId ? <DatasetVersionPage session={session} versionId={itemId} /> : <DatasetsPage session={session} />
        ) : section === 'runs' ? (
          itemId ? <RunPage key={itemId} session={session} runId={itemId} /> : <RunsPage session={session} />
        ) : section === 'compare' ? (
          <ComparePage session={session} />
        ) : section === 'notes' ? (
          itemId ? <NotePage key={itemId} session={session} noteId={itemId} /> : <NotesPage session={session} />
        ) : section === 'notebooks' ? (
          itemId ? <NotebookPage key={itemId} session={session} notebookId={itemId} /> : <NotebooksPage session={session} />
        ) : section === 'monitors' ? (
          itemId ? <MonitorDetail session={session} monitorId={itemId} /> : <MonitorsPage session={session} />
        ) : section === 'comparisons' && itemId ? (
          <ComparisonPage session={session} comparisonId={itemId} />
        ) : itemId ? (
          <IncidentDetail session={session} incidentId={itemId} />
        ) : (
          <IncidentsPage session={session} />
        )}
        </Suspense>
        </PageErrorBoundary>
      </main>
    </div>
  );
}
