/**
 * Writes one workspace from an ArchiveSource into a gzipped tar archive (layout in
 * archive-format.ts). The file appears under its name only when complete: it is written to
 * `<file>.partial` and renamed, so a backup cut short never looks like a backup. The source's
 * reader thread writes the file (ArchiveSource.openFile); this function decides what goes in it.
 */
import { rename, rm } from 'node:fs/promises';
import { ARCHIVE_FORMAT, ARCHIVE_VERSION, type Manifest, type WorkspaceRows, docEntryPath } from './archive-format.ts';
import type { ArchiveFileWriter, ArchiveRead, ArchiveSource } from './archive-store.ts';
import { seal } from './seal.ts';

export interface ExportOptions {
  /** Seal webhook URLs and secrets with this passphrase; without it they are left out. */
  passphrase?: string;
  now?: number;
  /** Leave blobs out (false): for a move, which sends them through the blob API first. */
  blobs?: boolean;
}

export interface ExportSummary {
  workspaceId: string;
  file: string;
  bytes: number;
  docs: number;
  snapshots: number;
  blobs: number;
  members: number;
  webhooks: number;
  monitorHistoryRows: number;
}

/** A URL cut to its origin: enough to say which service it was, never the credential in its path. */
export function urlOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(not a URL)';
  }
}

export async function exportWorkspace(source: ArchiveSource, file: string, options: ExportOptions = {}): Promise<ExportSummary> {
  const workspace = await source.workspace();
  if (!workspace) throw new Error('no such workspace in this store');
  const partial = `${file}.partial`;
  const mtime = new Date(options.now ?? Date.now());
  const entries: Manifest['entries'] = [];
  let bytes = 0;
  // The source's own thread writes the file: the bytes of docs, snapshots and blobs never reach
  // this thread (the server's event loop, for a backup), which only orders the entries.
  let writer: ArchiveFileWriter | undefined;
  const add = async (path: string, data: Uint8Array | ArchiveRead) => {
    const entry = await writer!.entry(path, data);
    entries.push({ path, sha256: entry.sha256, bytes: entry.bytes });
    bytes += entry.bytes;
  };

  try {
    // The reader creates `partial` anew and never writes through what is at that name: one left
    // by a killed export, or a link planted there, is removed first (the link, not its target).
    await rm(partial, { force: true });
    // Inside the try: the reader may have made the file and died before it said so.
    writer = await source.openFile(partial, mtime.getTime());
    const webhooks = await source.webhooks();
    const rows: WorkspaceRows = {
      workspace,
      members: await source.members(),
      tokens: await source.tokens(),
      webhooks: webhooks.map((h) => ({
        id: h.id, purpose: h.purpose, createdAt: h.createdAt, origin: urlOrigin(h.url),
        ...(options.passphrase ? { sealed: seal(JSON.stringify({ url: h.url, secret: h.secret }), options.passphrase) } : {}),
      })),
      deliveries: (await source.deliveries()).map(({ url, ...d }) => ({ ...d, origin: urlOrigin(url) })),
      monitored: await source.monitored(),
      docs: [],
      snapshots: [],
      blobs: options.blobs === false ? [] : await source.blobs(),
    };
    for (const doc of await source.docNames()) {
      const path = docEntryPath(doc);
      rows.docs.push({ doc, path });
      await add(path, { kind: 'docState', doc });
    }
    let n = 0;
    for (const s of await source.snapshots()) {
      const path = `history/${++n}.update`;
      rows.snapshots.push({ doc: s.doc, createdAt: s.createdAt, path });
      await add(path, { kind: 'snapshot', id: s.id });
    }
    for (const b of rows.blobs) await add(`blobs/${b.sha256}`, { kind: 'blob', sha256: b.sha256 });
    const history = await source.monitorBatches();
    if (history.length > 0) {
      rows.monitorHistory = { path: 'monitors/history.jsonl', rows: history.length };
      await add('monitors/history.jsonl', Buffer.from(history.map((r) => JSON.stringify(r)).join('\n') + '\n'));
    }
    await add('workspace.json', Buffer.from(JSON.stringify(rows, null, 1)));
    const manifest: Manifest = { format: ARCHIVE_FORMAT, version: ARCHIVE_VERSION, workspaceId: workspace.id, exportedAt: mtime.getTime(), entries: [...entries] };
    await writer.entry('manifest.json', Buffer.from(JSON.stringify(manifest, null, 1)));
    await writer.finish();
    await rename(partial, file);
    return { workspaceId: workspace.id, file, bytes, docs: rows.docs.length, snapshots: rows.snapshots.length, blobs: rows.blobs.length, members: rows.members.length, webhooks: webhooks.length, monitorHistoryRows: rows.monitorHistory?.rows ?? 0 };
  } catch (err) {
    await writer?.abort(err instanceof Error ? err : new Error(String(err)));
    await rm(partial, { force: true });
    throw err;
  }
}
