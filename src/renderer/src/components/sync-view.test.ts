import { describe, expect, it } from 'vitest';
import { type Connection, type LocalSave, syncView } from './sync-view';

const texts = (connection: Connection, local: LocalSave, pending = 0, saveError: string | null = null) =>
  syncView({ connection, detail: `why ${connection}`, pending, local, saveError }).lines.map((l) => l.text).join(' | ');

describe('syncView', () => {
  it('says one true thing in every state of the table', () => {
    const connections: Connection[] = ['synced', 'syncing', 'offline', 'refused'];
    const locals: LocalSave[] = ['saved', 'saving', 'failed'];
    for (const c of connections) {
      for (const l of locals) {
        for (const pending of [0, 2]) {
          const view = syncView({ connection: c, detail: `why ${c}`, pending, local: l, saveError: l === 'failed' ? 'Could not save to this device: host gone' : null });
          const all = view.lines.map((x) => x.text).join(' | ');
          const claims = [/Saving on this device/.test(all), /kept on this device/.test(all), /Could not save/.test(all), /All changes saved/.test(all)].filter(Boolean);
          expect(claims.length, `${c} × ${l} × ${pending}: ${all}`).toBeLessThanOrEqual(1);
          if (l === 'failed') expect(view.state).toBe('unsaved');
          if (/All changes saved/.test(all)) expect([c, l, pending]).toEqual(['synced', 'saved', 0]);
          if (/kept on this device/.test(all)) expect(l).toBe('saved');
          expect(/not yet on the server/.test(all)).toBe(pending > 0);
        }
      }
    }
  });

  it('reads as the panel shows it', () => {
    expect(syncView({ connection: 'synced', detail: 'Synced with x', pending: 0, local: 'saved', saveError: null })).toMatchObject({ state: 'synced', label: 'Synced' });
    expect(texts('synced', 'saved')).toBe('All changes saved on this device');
    expect(texts('synced', 'saved', 1)).toBe('1 change not yet on the server | Sending your changes…');
    expect(texts('offline', 'saved', 2)).toBe('why offline | Edits are kept on this device and sent when the server is back. | 2 changes not yet on the server');
    expect(texts('offline', 'saving')).toBe('why offline | Saving on this device…');
    expect(texts('offline', 'failed', 0, 'Could not save to this device: host gone')).toBe(
      'Could not save to this device: host gone | Keep this window open: your latest edits are only in it until a save succeeds. | why offline',
    );
  });
});
