/**
 * Recent workspaces for File › Recent Workspaces: a short JSON list in the app data folder,
 * newest first, one entry per workspace.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { readJsonFile, writeJsonFile } from './json-file.ts';

export const MAX_RECENT = 10;

const recentSchema = z.object({
  workspaceId: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/),
  name: z.string().min(1).max(200),
  openedAt: z.number().int().nonnegative(),
});
export type RecentWorkspace = z.infer<typeof recentSchema>;
const fileSchema = z.object({ version: z.literal(1), workspaces: z.array(recentSchema).max(100) });

/** `list` with `entry` at the front, an older entry for the same workspace dropped, at most `max`. */
export function pushRecent(list: readonly RecentWorkspace[], entry: RecentWorkspace, max = MAX_RECENT): RecentWorkspace[] {
  return [entry, ...list.filter((r) => r.workspaceId !== entry.workspaceId)].slice(0, max);
}

/** Drops workspaces this device has left, and renames the rest to their current names. */
export function reconcileRecent(list: readonly RecentWorkspace[], joined: readonly { workspaceId: string; name: string }[]): RecentWorkspace[] {
  const names = new Map(joined.map((j) => [j.workspaceId, j.name]));
  return list.flatMap((r) => (names.has(r.workspaceId) ? [{ ...r, name: names.get(r.workspaceId)! }] : []));
}

export function recentFile(dataDir: string): string {
  return join(dataDir, 'recent-workspaces.json');
}

/** The saved list; empty when there is none or it is damaged (the damage is reported, not fatal). */
export function loadRecent(file: string, warn: (message: string) => void = console.warn): RecentWorkspace[] {
  const read = readJsonFile(file, fileSchema);
  if (read.kind === 'invalid') warn(`ignoring recent workspaces: ${read.message}`);
  return read.kind === 'ok' ? read.value.workspaces : [];
}

export function saveRecent(file: string, list: readonly RecentWorkspace[]): void {
  writeJsonFile(file, { version: 1, workspaces: list });
}
