/**
 * The sync server that runs inside the app (data under the app-data folder), and the demo
 * workspace it holds on first start.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as Y from 'yjs';
import { z } from 'zod';
import {
  addComment,
  createIncident,
  initWorkspace,
  severitySchema,
  incidentStatusSchema,
  roleSchema,
  upsertMember,
} from '../core/workspace/index.ts';
import { type SyncServer, type ServerStore, startSyncServer } from '../../server/index.ts';
import type { LocalServer } from './host-handlers.ts';

/**
 * Starts the embedded server on the port it had last time, so teammates who joined it keep a
 * working URL across restarts; a free port when that one is taken.
 */
export async function startEmbeddedServer(dataDir: string, nativeBinding?: string): Promise<{ server: SyncServer; local: LocalServer }> {
  const portFile = join(dataDir, 'last-port');
  const lastPort = existsSync(portFile) ? Number(readFileSync(portFile, 'utf8').trim()) : 0;
  // Ops and tests may want history snapshots more (or less) often than every 10 minutes.
  const every = Number(process.env.DRIFTDESK_SNAPSHOT_INTERVAL_MS);
  const snapshotEveryMs = Number.isFinite(every) && every >= 0 ? every : undefined;
  let server: SyncServer;
  try {
    server = await startSyncServer({ host: '127.0.0.1', port: Number.isInteger(lastPort) ? lastPort : 0, dataDir, nativeBinding, snapshotEveryMs, allowPrivateWebhooks: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    server = await startSyncServer({ host: '127.0.0.1', port: 0, dataDir, nativeBinding, snapshotEveryMs, allowPrivateWebhooks: true });
  }
  writeFileSync(portFile, String(server.port));
  return {
    server,
    local: { url: server.url, createWorkspace: (name, owner) => createSeededWorkspace(server.store, name, owner), openArchiveSource: (id) => server.store.openArchiveSource(id) },
  };
}

/** Creates a workspace with its meta record and owner already in the doc. */
export function createSeededWorkspace(
  store: ServerStore,
  name: string,
  ownerName: string,
  seed?: (doc: Y.Doc, ownerId: string) => void,
): { id: string; token: string; memberId: string } {
  const created = store.createWorkspace(name, ownerName);
  const doc = new Y.Doc();
  const now = Date.now();
  initWorkspace(doc, { id: created.id, name }, { now: () => now });
  upsertMember(doc, { id: created.memberId, name: ownerName, role: 'owner', joinedAt: now });
  seed?.(doc, created.memberId);
  store.appendUpdate(created.id, Y.encodeStateAsUpdate(doc));
  doc.destroy();
  return created;
}

const demoSchema = z.object({
  name: z.string(),
  members: z.array(z.object({ name: z.string(), role: roleSchema })),
  incidents: z.array(
    z.object({
      title: z.string(),
      severity: severitySchema,
      status: incidentStatusSchema,
      description: z.string(),
      by: z.number().int(),
      comments: z.array(z.object({ by: z.number().int(), body: z.string() })),
    }),
  ),
});

/** Creates the demo workspace described by `resources/demo-workspace.json`, owned by `ownerName`. */
export function createDemoWorkspace(store: ServerStore, demoFile: string, ownerName: string) {
  const demo = demoSchema.parse(JSON.parse(readFileSync(demoFile, 'utf8')));
  return createSeededWorkspace(store, demo.name, ownerName, (doc) => {
    const workspaceId = doc.getMap('meta').get('id') as string;
    const people = demo.members.map((m) => {
      const { memberId } = store.createMemberToken(workspaceId, m.role, m.name);
      upsertMember(doc, { id: memberId, name: m.name, role: m.role, joinedAt: Date.now() });
      return { id: memberId, name: m.name };
    });
    let t = Date.now() - 3 * 24 * 3600_000;
    const ctxFor = (by: number) => ({ actor: people[by] ?? people[0]!, now: () => (t += 47 * 60_000), newId: () => crypto.randomUUID() });
    for (const i of demo.incidents) {
      const incident = createIncident(doc, { title: i.title, severity: i.severity, status: i.status, description: i.description }, ctxFor(i.by));
      for (const c of i.comments) addComment(doc, { target: { kind: 'incident', id: incident.id }, body: c.body }, ctxFor(c.by));
    }
  });
}
