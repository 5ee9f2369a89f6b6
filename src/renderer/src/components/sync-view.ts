/**
 * What the sync indicator says, as one table: the connection to the server and the local save
 * together decide one state, one label and the lines under it, so the panel never says two
 * things that cannot both be true ("Saving on this device…", "Edits are kept on this device" and
 * "Could not save to this device" at once, as it did with the host stopped).
 *
 * | local save \ server | synced              | syncing            | offline                   | refused                  |
 * |---------------------|---------------------|--------------------|---------------------------|--------------------------|
 * | saved, 0 pending    | Synced · all saved  | Syncing · detail   | Offline · why · kept here | Refused · why · kept here|
 * | saved, N pending    | Syncing · N · sending | Syncing · detail · N | Offline · why · kept here · N | Refused · why · kept here · N |
 * | saving              | as above, with "Saving on this device…" in place of "all saved" / "kept here" |
 * | failed              | Not saved · the error · keep this window open (· why, when not synced) (· N) |
 *
 * "Kept on this device" is said only when the local save has succeeded; "all changes saved"
 * only when nothing is waiting locally nor for the server.
 */
export type Connection = 'synced' | 'syncing' | 'offline' | 'refused';
export type LocalSave = 'saved' | 'saving' | 'failed';
export type SyncViewState = Connection | 'unsaved';

export interface SyncFacts {
  connection: Connection;
  /** Why it is not synced (or with which server it is), as the session says it. */
  detail: string;
  /** Edits made here that the server has not confirmed. */
  pending: number;
  local: LocalSave;
  saveError: string | null;
}

export interface SyncView {
  state: SyncViewState;
  label: string;
  lines: { text: string; kind: 'muted' | 'plain' | 'error' | 'pending' }[];
}

const LABELS: Record<SyncViewState, string> = { synced: 'Synced', syncing: 'Syncing…', offline: 'Offline', refused: 'Access refused', unsaved: 'Not saved' };

export function syncView(f: SyncFacts): SyncView {
  const pendingLine = f.pending > 0 ? [{ text: `${f.pending} change${f.pending === 1 ? '' : 's'} not yet on the server`, kind: 'pending' as const }] : [];
  if (f.local === 'failed') {
    return {
      state: 'unsaved',
      label: LABELS.unsaved,
      lines: [
        { text: f.saveError ?? 'Could not save to this device.', kind: 'error' },
        { text: 'Keep this window open: your latest edits are only in it until a save succeeds.', kind: 'plain' },
        ...(f.connection === 'synced' ? [] : [{ text: f.detail, kind: 'plain' as const }]),
        ...pendingLine,
      ],
    };
  }
  const saving = f.local === 'saving' ? [{ text: 'Saving on this device…', kind: 'muted' as const }] : [];
  const kept = f.local === 'saved' ? [{ text: 'Edits are kept on this device and sent when the server is back.', kind: 'muted' as const }] : saving;
  switch (f.connection) {
    case 'synced':
      if (f.pending > 0) return { state: 'syncing', label: LABELS.syncing, lines: [...saving, ...pendingLine, { text: 'Sending your changes…', kind: 'plain' }] };
      return { state: 'synced', label: LABELS.synced, lines: f.local === 'saved' ? [{ text: 'All changes saved on this device', kind: 'muted' }] : saving };
    case 'syncing':
      return { state: 'syncing', label: LABELS.syncing, lines: [...saving, ...pendingLine, { text: f.detail, kind: 'plain' }] };
    case 'offline':
    case 'refused':
      return { state: f.connection, label: LABELS[f.connection], lines: [{ text: f.detail, kind: 'plain' }, ...kept, ...pendingLine] };
  }
}
