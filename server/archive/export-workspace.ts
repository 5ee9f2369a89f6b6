/**
 * Writes one workspace from an ArchiveSource into a gzipped tar archive (layout in
 * archive-format.ts). The file appears under its name only when complete: it is written to
 * `<file>.partial` and renamed, so a backup cut short never looks like a backup.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import tar from 'tar-stream';
import { ARCHIVE_FORMAT, ARCHIVE_VERSION, type Manifest, type WorkspaceRows, docEntryPath } from './archive-format.ts';
import type { ArchiveSource } from './archive-store.ts';
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

const SLICE = 1024 * 1024;

/** SHA-256 of `data`, a MiB at a time with the event loop let through between slices. */
async function hashInSlices(data: Uint8Array): Promise<string> {
  const hash = createHash('sha256');
  for (let at = 0; at < data.byteLength; at += SLICE) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    hash.update(data.subarray(at, at + SLICE));
  }
  await new Promise<void>((resolve) => setImmediate(resolve));
  return hash.digest('hex');
}

export async function exportWorkspace(source: ArchiveSource, file: string, options: ExportOptions = {}): Promise<ExportSummary> {
  const workspace = await source.workspace();
  if (!workspace) throw new Error('no such workspace in this store');
  const partial = `${file}.partial`;
  const pack = tar.pack();
  const mtime = new Date(options.now ?? Date.now());
  const entries: Manifest['entries'] = [];
  let bytes = 0;
  const write = pipeline(pack, createGzip({ level: 6 }), createWriteStream(partial, { mode: 0o600 })).then(() => undefined);
  // A write error (disk full) surfaces from `write`; entries must stop waiting for it then.
  let failed: unknown;
  write.catch((err: unknown) => (failed = err));
  const add = async (path: string, data: Uint8Array) => {
    // Between entries, and between each MiB hashed, the server's own work goes first: a backup
    // taken while serving holds up a write for at most one entry's read, never for the archive.
    const sha256 = await hashInSlices(data);
    return new Promise<void>((resolve, reject) => {
      if (failed) return reject(failed);
      entries.push({ path, sha256, bytes: data.byteLength });
      bytes += data.byteLength;
      pack.entry({ name: path, size: data.byteLength, mtime, mode: 0o600 }, Buffer.from(data.buffer, data.byteOffset, data.byteLength), (err) => (err ? reject(err) : resolve()));
    });
  };

  try {
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
      await add(path, await source.docState(doc));
    }
    let n = 0;
    for (const s of await source.snapshots()) {
      const path = `history/${++n}.update`;
      rows.snapshots.push({ createdAt: s.createdAt, path });
      await add(path, await source.snapshot(s.id));
    }
    for (const b of rows.blobs) await add(`blobs/${b.sha256}`, await source.blob(b.sha256));
    const history = await source.monitorBatches();
    if (history.length > 0) {
      rows.monitorHistory = { path: 'monitors/history.jsonl', rows: history.length };
      await add('monitors/history.jsonl', Buffer.from(history.map((r) => JSON.stringify(r)).join('\n') + '\n'));
    }
    await add('workspace.json', Buffer.from(JSON.stringify(rows, null, 1)));
    const manifest: Manifest = { format: ARCHIVE_FORMAT, version: ARCHIVE_VERSION, workspaceId: workspace.id, exportedAt: mtime.getTime(), entries: [...entries] };
    const manifestBytes = Buffer.from(JSON.stringify(manifest, null, 1));
    await new Promise<void>((resolve, reject) => pack.entry({ name: 'manifest.json', size: manifestBytes.byteLength, mtime, mode: 0o600 }, manifestBytes, (err) => (err ? reject(err) : resolve())));
    pack.finalize();
    await write;
    await rename(partial, file);
    return { workspaceId: workspace.id, file, bytes, docs: rows.docs.length, snapshots: rows.snapshots.length, blobs: rows.blobs.length, members: rows.members.length, webhooks: webhooks.length, monitorHistoryRows: rows.monitorHistory?.rows ?? 0 };
  } catch (err) {
    pack.destroy(err instanceof Error ? err : new Error(String(err)));
    await write.catch(() => {});
    await rm(partial, { force: true });
    throw err;
  }
}
