/**
 * The commands the palette offers in a workspace, how typed text picks them, and the keyboard
 * shortcuts it lists. Kept apart from the dialog so the list reads as a list.
 */
import { deepLinkFromHash } from '../../../shared/deep-link';
import { navigate } from '../session/hooks';
import { requestNewIncident } from '../views/incidents-page';

/** Where focus goes once a command ran: back where it was, to the page, or left to the page. */
export type FocusAfter = 'opener' | 'main' | 'none';

export interface PaletteCommand {
  id: string;
  label: string;
  /** More words that find it ("goto", "create", …). */
  keywords: string;
  /** 'stay' keeps the palette open. */
  run: () => FocusAfter | 'stay';
}

export interface CommandContext {
  workspaceId: string;
  canEdit: boolean;
  /** Shows a short message to the person (the palette is closed by then). */
  notify: (message: string) => void;
  showShortcuts: () => void;
}

const SECTIONS = [
  ['inbox', 'Inbox', 'mentions unread'],
  ['incidents', 'Incidents', 'drift alerts'],
  ['monitors', 'Monitors', 'production batches alert rules ci'],
  ['datasets', 'Datasets', 'data versions comparisons drift'],
  ['runs', 'Runs', 'experiments mlflow'],
  ['models', 'Models', 'registry versions aliases production gto'],
  ['handoffs', 'Handoffs', 'waiting for me review accept checklist'],
  ['notes', 'Notes', 'docs writing'],
  ['notebooks', 'Notebooks', 'jupyter ipynb cells'],
  ['members', 'Members', 'people roles invite'],
  ['history', 'History', 'snapshots restore'],
] as const;

export function workspaceCommands({ workspaceId, canEdit, notify, showShortcuts }: CommandContext): PaletteCommand[] {
  const go = (section: string): FocusAfter => {
    navigate('w', workspaceId, section);
    return 'main';
  };
  return [
    ...SECTIONS.map(([section, name, more]) => ({ id: `go-${section}`, label: `Go to ${name}`, keywords: `goto open section ${more}`, run: () => go(section) })),
    ...(canEdit
      ? [
          {
            id: 'new-incident',
            label: 'New incident',
            keywords: 'create open add report drift',
            run: (): FocusAfter => {
              navigate('w', workspaceId, 'incidents');
              requestNewIncident();
              return 'none'; // the form takes focus
            },
          },
          // The notes page owns its "New note" form; the palette takes you there.
          { id: 'new-note', label: 'New note', keywords: 'create add write document', run: () => go('notes') },
          // The notebooks page owns its file picker and drop zone.
          { id: 'add-notebook', label: 'Add notebook', keywords: 'jupyter ipynb upload import file', run: () => go('notebooks') },
        ]
      : []),
    {
      id: 'copy-link',
      label: 'Copy link to this page',
      keywords: 'share deep link url driftdesk clipboard',
      run: () => {
        const link = deepLinkFromHash(location.hash);
        if (!link) notify('This page has no link.');
        else {
          navigator.clipboard.writeText(link).then(
            () => notify(`Link copied: ${link}`),
            () => notify(`Copy this link: ${link}`),
          );
        }
        return 'opener';
      },
    },
    {
      id: 'workspaces',
      label: 'Open workspaces list',
      keywords: 'switch leave start home all workspaces',
      run: () => {
        navigate();
        return 'none';
      },
    },
    {
      id: 'shortcuts',
      label: 'Keyboard shortcuts',
      keywords: 'keys help ?',
      run: () => {
        showShortcuts();
        return 'stay';
      },
    },
  ];
}

/**
 * One entry per monitor, to open it: the search index covers the registries people write in,
 * and monitors (created by the server) are found here from the doc instead. Shown only for
 * typed text that matches (see monitorResults), not in the palette's default list.
 */
export function monitorCommands(workspaceId: string, monitors: { id: string; name: string; model?: string }[]): PaletteCommand[] {
  return monitors.map((m) => ({
    id: `monitor-${m.id}`,
    label: m.name,
    keywords: `monitor ${m.model ?? ''}`,
    run: (): FocusAfter => {
      navigate('w', workspaceId, 'monitors', m.id);
      return 'main';
    },
  }));
}

/** The monitors typed text finds: none for no text (the list would bury the commands). */
export function monitorResults(commands: PaletteCommand[], text: string): PaletteCommand[] {
  return text.trim() === '' ? [] : matchCommands(commands, text);
}

/** Lower case without accents, so "resume" finds "Résumé". */
export function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/** Commands whose label or keywords contain every typed word; all of them for no text. */
export function matchCommands(commands: PaletteCommand[], text: string): PaletteCommand[] {
  const words = fold(text).split(/\s+/).filter(Boolean);
  return commands.filter((c) => {
    const haystack = fold(`${c.label} ${c.keywords}`);
    return words.every((w) => haystack.includes(w));
  });
}

const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.userAgent);
export const PALETTE_KEY = isMac ? '⌘K' : 'Ctrl+K';

export const SHORTCUTS: { keys: string[]; what: string }[] = [
  { keys: [PALETTE_KEY], what: 'Search, jump to anything, run a command' },
  { keys: ['?'], what: 'These shortcuts (outside a text field)' },
  { keys: ['N'], what: 'New incident, on the Incidents page' },
  { keys: ['↑', '↓'], what: 'Move through the palette’s list' },
  { keys: ['Enter'], what: 'Open the result or run the command' },
  { keys: ['Esc'], what: 'Close the palette; focus goes back where it was' },
  { keys: ['Tab', 'Shift+Tab'], what: 'Move between links, buttons and fields; the first Tab offers “Skip to content”' },
];
