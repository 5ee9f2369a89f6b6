import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { loadRecent, pushRecent, reconcileRecent, recentFile, saveRecent } from './recent-workspaces.ts';

const r = (id: string, at: number, name = id) => ({ workspaceId: id, name, openedAt: at });

it('keeps the newest first, one entry per workspace, at most ten', () => {
  let list = [r('a', 1), r('b', 2)];
  list = pushRecent(list, r('a', 3));
  expect(list.map((x) => x.workspaceId)).toEqual(['a', 'b']);
  for (let i = 0; i < 12; i++) list = pushRecent(list, r(`w${i}`, 10 + i));
  expect(list).toHaveLength(10);
  expect(list[0]!.workspaceId).toBe('w11');
});

it('drops workspaces no longer joined and follows renames', () => {
  expect(reconcileRecent([r('a', 2), r('b', 1)], [{ workspaceId: 'b', name: 'Renamed' }])).toEqual([r('b', 1, 'Renamed')]);
});

it('is saved in the data folder and survives a damaged file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'driftdesk-recent-'));
  try {
    const file = recentFile(dir);
    saveRecent(file, [r('ws_a', 5, 'Churn')]);
    expect(loadRecent(file)).toEqual([r('ws_a', 5, 'Churn')]);
    writeFileSync(file, '{"version":1,"workspaces":[{"workspaceId":"../x","name":"n","openedAt":1}]}');
    const warnings: string[] = [];
    expect(loadRecent(file, (m) => warnings.push(m))).toEqual([]);
    expect(warnings[0]).toContain('recent-workspaces.json: workspaces.0.workspaceId');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
