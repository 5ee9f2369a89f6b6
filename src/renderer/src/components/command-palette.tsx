/**
 * The command palette (Ctrl+K / ⌘K, or the sidebar's button): one field that searches the
 * workspace (the host's FTS5 index), jumps to any section, runs commands and opens pasted
 * driftdesk:// links.
 *
 * Accessibility follows the WAI-ARIA combobox pattern with a listbox popup
 * (https://www.w3.org/WAI/ARIA/apg/patterns/combobox/): focus stays in the input, the
 * highlighted option is named by aria-activedescendant, arrows move, Enter runs, Escape
 * closes and returns focus to where it was. The dialog is modal: the rest of the app is inert
 * while it is open. Every string from the index is rendered as text.
 */
import { type KeyboardEvent, type ReactNode, useCallback, useEffect, useId, useMemo, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import { type WorkspaceLocation, entityLocation, hashOf, parseDeepLink } from '../../../shared/deep-link';
import type { SearchHit, TextSegment } from '../../../shared/host-contract';
import { useSearch } from '../session/use-search';
import type { WorkspaceSession } from '../session/workspace-session';
import type * as Y from 'yjs';
import { listMonitors } from '../../../core/monitor';
import { useDocValue } from '../session/hooks';
import { type FocusAfter, PALETTE_KEY, SHORTCUTS, matchCommands, monitorCommands, monitorResults, workspaceCommands } from './palette-commands';
import './command-palette.css';

interface Item {
  key: string;
  group: 'Link' | 'Commands' | 'Results';
  content: ReactNode;
  run: () => FocusAfter | 'stay';
}

const KIND_LABEL: Record<SearchHit['kind'], string> = {
  incident: 'Incident', comment: 'Comment', run: 'Run', datasetVersion: 'Dataset', note: 'Note', model: 'Model', modelVersion: 'Version', handoff: 'Handoff', notebook: 'Notebook',
};
const TARGET_LABEL: Record<NonNullable<SearchHit['target']>['kind'], string> = {
  incident: 'incident', run: 'run', datasetVersion: 'dataset version', note: 'note', modelVersion: 'model version', handoff: 'handoff', notebook: 'notebook',
};
const NOTICE_MS = 6000;
/** Saves landing while the palette is open ask again, at most this often. */
const REFRESH_MS = 300;

export function CommandPalette({ session }: { session: WorkspaceSession }) {
  const [open, setOpen] = useState(false);
  const [text, setText] = useState('');
  const [activeKey, setActiveKey] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [refresh, setRefresh] = useState(0);
  const opener = useRef<Element | null>(null);
  const focusAfter = useRef<FocusAfter>('opener');
  const input = useRef<HTMLInputElement>(null);
  const listId = useId();
  const ws = session.connection.workspaceId;
  const canEdit = session.connection.role === 'owner' || session.connection.role === 'editor';

  const link = useMemo(() => parseDeepLink(text), [text]);
  const showingShortcuts = text.trim() === '?';
  const search = useSearch(session.host, ws, text, open && !link && !showingShortcuts, refresh);

  const show = useCallback((initial = '') => {
    opener.current = document.activeElement;
    setText(initial);
    setActiveKey(null);
    setOpen(true);
  }, []);
  const close = useCallback((after: FocusAfter) => {
    focusAfter.current = after;
    setOpen(false);
  }, []);

  // Ctrl+K / ⌘K anywhere (capture: before an editor takes it as a chord), ? outside text fields.
  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        e.stopPropagation();
        if (open) close('opener');
        else show();
      } else if (e.key === '?' && !e.ctrlKey && !e.metaKey && !e.altKey && !open && !isTextField(e.target)) {
        e.preventDefault();
        show('?');
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [open, show, close]);

  // Modal: the app behind is inert while open; on close, focus goes where the command said
  // (back where it was, else to the page).
  const wasOpen = useRef(false);
  useEffect(() => {
    const root = document.getElementById('root');
    if (open) {
      wasOpen.current = true;
      if (root) root.inert = true;
      input.current?.focus();
      return;
    }
    if (!wasOpen.current) return;
    wasOpen.current = false;
    if (root) root.inert = false;
    const after = focusAfter.current;
    const back = opener.current instanceof HTMLElement && opener.current.isConnected && opener.current !== document.body ? opener.current : null;
    if (after === 'opener' && back) back.focus();
    else if (after !== 'none') setTimeout(() => document.getElementById('main-content')?.focus(), 0);
  }, [open]);
  useEffect(() => () => {
    const root = document.getElementById('root');
    if (root) root.inert = false;
  }, []);

  // Results follow the doc: saves that land while the palette is open ask again.
  useEffect(() => {
    if (!open) return;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const unsubscribe = session.subscribe(() => {
      timer ??= setTimeout(() => {
        timer = null;
        setRefresh((n) => n + 1);
      }, REFRESH_MS);
    });
    return () => {
      unsubscribe();
      if (timer) clearTimeout(timer);
    };
  }, [open, session]);

  useEffect(() => {
    if (!notice) return;
    const timer = setTimeout(() => setNotice(null), NOTICE_MS);
    return () => clearTimeout(timer);
  }, [notice]);

  const commands = useMemo(
    () => workspaceCommands({ workspaceId: ws, canEdit, notify: setNotice, showShortcuts: () => setText('?') }),
    [ws, canEdit],
  );

  const monitors = useDocValue(session.doc, useCallback((doc: Y.Doc) => monitorCommands(ws, listMonitors(doc)), [ws]));

  const items = useMemo((): Item[] => {
    if (link) {
      const go = () => {
        location.hash = hashOf(link);
        return 'main' as const;
      };
      return [{ key: 'link', group: 'Link', content: <span className="palette-main">Open {describe(link, ws)}</span>, run: go }];
    }
    if (showingShortcuts) return [];
    const matched = matchCommands(commands, text).map(
      (c): Item => ({ key: `cmd:${c.id}`, group: 'Commands', content: <span className="palette-main">{c.label}</span>, run: c.run }),
    );
    const hits = search.hits.map(
      (hit): Item => ({
        key: `${hit.kind}:${hit.id}`,
        group: 'Results',
        content: <HitContent hit={hit} />,
        run: () => {
          const to = hit.kind === 'comment' ? hit.target! : hit;
          location.hash = hashOf(entityLocation(ws, to.kind as Parameters<typeof entityLocation>[1], to.id));
          return 'main';
        },
      }),
    );
    const monitorHits = monitorResults(monitors, text).map(
      (c): Item => ({
        key: `monitor:${c.id}`,
        group: 'Results',
        content: (
          <>
            <span className="palette-kind kind-monitor">Monitor</span>
            <span className="palette-main"><span className="palette-title">{c.label}</span></span>
          </>
        ),
        run: c.run,
      }),
    );
    return [...matched, ...monitorHits, ...hits];
  }, [link, showingShortcuts, commands, monitors, text, search.hits, ws]);

  const activeIndex = Math.max(0, items.findIndex((i) => i.key === activeKey));
  const optionId = (i: number) => `${listId}-option-${i}`;

  useEffect(() => {
    if (open) document.getElementById(optionId(activeIndex))?.scrollIntoView({ block: 'nearest' });
  });

  const runItem = (item: Item | undefined) => {
    const after = item?.run();
    if (after && after !== 'stay') close(after);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    const move = (by: number) => {
      e.preventDefault();
      if (items.length > 0) setActiveKey(items[(activeIndex + by + items.length) % items.length]!.key);
    };
    if (e.key === 'ArrowDown') move(1);
    else if (e.key === 'ArrowUp') move(-1);
    else if (e.key === 'Enter') {
      e.preventDefault();
      runItem(items[activeIndex]);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      close('opener');
    } else if (e.key === 'Tab') e.preventDefault(); // nothing else in the dialog takes focus
  };

  const groups = (['Link', 'Commands', 'Results'] as const)
    .map((group) => ({ group, entries: items.map((item, index) => ({ item, index })).filter(({ item }) => item.group === group) }))
    .filter((g) => g.entries.length > 0);
  const waiting = search.busy && search.text !== text;
  const trimmed = text.trim();

  return (
    <>
      <button
        type="button"
        className="palette-trigger"
        onClick={() => show()}
        aria-haspopup="dialog"
        aria-keyshortcuts="Control+K Meta+K"
        title={`Search the workspace, jump to a page, run a command (${PALETTE_KEY})`}
      >
        <span>Search or jump…</span>
        <kbd>{PALETTE_KEY}</kbd>
      </button>
      {notice && (
        <p className="palette-notice" role="status">
          {notice}
        </p>
      )}
      {open &&
        createPortal(
          <div className="palette-backdrop" onMouseDown={(e) => e.target === e.currentTarget && close('opener')}>
            <div role="dialog" aria-modal="true" aria-label="Command palette" className="palette">
              <input
                ref={input}
                role="combobox"
                aria-label="Search or type a command"
                aria-expanded={items.length > 0}
                aria-controls={listId}
                aria-autocomplete="list"
                aria-activedescendant={items.length > 0 ? optionId(activeIndex) : undefined}
                autoComplete="off"
                spellCheck={false}
                placeholder="Search incidents, comments, runs, datasets and notes, or type a command"
                value={text}
                onChange={(e) => {
                  setText(e.target.value);
                  setActiveKey(null);
                }}
                onKeyDown={onKeyDown}
              />
              {trimmed === '' && (
                <p className="palette-hint">
                  Type any word from an incident, comment, run, dataset or note; the last word can be its beginning (“cali” finds
                  “calibration”). Or pick a command below, paste a <code>driftdesk://</code> link to open it, or type <kbd>?</kbd> for
                  keyboard shortcuts.
                </p>
              )}
              {showingShortcuts && <ShortcutList />}
              <ul id={listId} role="listbox" aria-label="Commands and results" className="palette-list" hidden={items.length === 0}>
                {groups.map(({ group, entries }) => (
                  <li key={group} role="presentation">
                    <div className="palette-group" id={`${listId}-${group}`} aria-hidden="true">
                      {group}
                    </div>
                    <ul role="group" aria-labelledby={`${listId}-${group}`}>
                      {entries.map(({ item, index }) => (
                        <li
                          key={item.key}
                          id={optionId(index)}
                          role="option"
                          aria-selected={index === activeIndex}
                          className={index === activeIndex ? 'palette-option active' : 'palette-option'}
                          onMouseDown={(e) => e.preventDefault()}
                          onMouseMove={() => item.key !== activeKey && setActiveKey(item.key)}
                          onClick={() => runItem(item)}
                        >
                          {item.content}
                        </li>
                      ))}
                    </ul>
                  </li>
                ))}
              </ul>
              {search.error && <p className="palette-empty error" role="alert">Search failed: {search.error}</p>}
              {!showingShortcuts && !link && trimmed !== '' && items.length === 0 && !waiting && !search.error && (
                <p className="palette-empty">
                  Nothing matches “{trimmed}”. Every word must appear; try fewer words, or the beginning of a word.
                </p>
              )}
              <p className="sr-only" role="status">
                {trimmed === '' || waiting ? '' : `${items.length} ${items.length === 1 ? 'result' : 'results'}`}
              </p>
              <p className="palette-footer" aria-hidden="true">
                <span><kbd>↑</kbd><kbd>↓</kbd> move</span>
                <span><kbd>Enter</kbd> open</span>
                <span><kbd>Esc</kbd> close</span>
                <span><kbd>?</kbd> shortcuts</span>
              </p>
            </div>
          </div>,
          document.body,
        )}
    </>
  );
}

function HitContent({ hit }: { hit: SearchHit }) {
  return (
    <>
      <span className={`palette-kind kind-${hit.kind}`}>{KIND_LABEL[hit.kind]}</span>
      <span className="palette-main">
        <span className="palette-title">
          <Segments segments={hit.titleSegments} />
          {hit.target && (
            <span className="muted">
              {' '}on {TARGET_LABEL[hit.target.kind]} “{hit.target.title ?? 'not on this device yet'}”
            </span>
          )}
        </span>
        {hit.snippet.length > 0 && (
          <span className="palette-snippet">
            <Segments segments={hit.snippet} />
          </span>
        )}
      </span>
    </>
  );
}

/** Matched words in <mark>; everything is a text node, never markup. */
function Segments({ segments }: { segments: TextSegment[] }) {
  return segments.map((s, i) => (s.match ? <mark key={i}>{s.text}</mark> : <span key={i}>{s.text}</span>));
}

function ShortcutList() {
  return (
    <section className="palette-shortcuts" aria-label="Keyboard shortcuts">
      <h2>Keyboard shortcuts</h2>
      <dl>
        {SHORTCUTS.map((s) => (
          <div key={s.what}>
            <dt>{s.keys.map((k) => <kbd key={k}>{k}</kbd>)}</dt>
            <dd>{s.what}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

function describe(link: WorkspaceLocation, currentWorkspace: string): string {
  const page = link.section ? `${link.section}${link.itemId ? ` › ${link.itemId}` : ''}` : 'workspace';
  return link.workspaceId === currentWorkspace ? `link: ${page}` : `link to another workspace (${link.workspaceId}): ${page}`;
}

function isTextField(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
}
