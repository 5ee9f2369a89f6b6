/**
 * Reads a workspace archive into a store, all or nothing. Two passes over the file:
 *   1. verify — every entry's SHA-256 and size against the manifest, no entry missing or extra,
 *      a known format version, workspace.json well-formed — before the store is touched;
 *   2. import — in one transaction, hashing every entry again (the file could change between
 *      passes) and checking each doc state as the server checks a client's update. Any failure
 *      rolls back, so a refused archive leaves the store exactly as it was.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import tar from 'tar-stream';
import * as Y from 'yjs';
import { z } from 'zod';
import { DOC_KEYS } from '../../src/core/workspace/index.ts';
import { checkUpdateStructure } from '../update-structure.ts';
import { ARCHIVE_FORMAT, ARCHIVE_VERSION, ArchiveError, type Manifest, type WorkspaceRows, docEntryPath, entryLimit, isArchivePath, manifestSchema, monitorHistoryRowSchema, workspaceRowsSchema } from './archive-format.ts';
import type { ArchiveSink, MonitorBatchRow } from './archive-store.ts';
import { unseal } from './seal.ts';

export interface Entry { path: string; sha256: string; bytes: number; data?: Buffer }
/** A path to an archive file, or its bytes (an archive sent over HTTP). */
export type ArchiveInput = string | Uint8Array;

/** Bounds on what an archive may inflate to, beyond each entry's own (entryLimit). */
export interface ReadLimits {
  /** The bytes of all entries together, 512 for each header included (an archive sent over HTTP is read on the server's thread). */
  maxTotalBytes?: number;
  /** How many entries (each is remembered until the manifest is checked); default MAX_ENTRIES. */
  maxEntries?: number;
}

/**
 * Entries an archive may have: a header of 512 zero-size bytes gzips to ~5 bytes, so without a
 * bound a small file names tens of millions of entries, and remembering them exhausts memory.
 */
export const MAX_ENTRIES = 1_000_000;

/**
 * Streams the archive's entries in order. `keep(path)` says which entries to hand over whole;
 * the rest are only hashed. Errors name the entry they happened in (or after). An entry's size
 * is judged from its header, before its bytes are inflated.
 */
export async function readEntries(archive: ArchiveInput, keep: (path: string) => boolean, onEntry: (e: Entry) => Promise<void>, limits: ReadLimits = {}): Promise<void> {
  const extract = tar.extract();
  const gunzip = createGunzip();
  const file = typeof archive === 'string' ? archive : 'the archive';
  const feed = pipeline(typeof archive === 'string' ? createReadStream(archive) : Readable.from([archive]), gunzip, extract);
  let last: string | undefined;
  let total = 0;
  let count = 0;
  const maxEntries = limits.maxEntries ?? MAX_ENTRIES;
  feed.catch(() => {});
  try {
    for await (const entry of extract) {
      const path = entry.header.name;
      if (entry.header.type !== 'file') throw new ArchiveError('bad_entry', `is a ${entry.header.type}, not a file`, path);
      if (!isArchivePath(path)) throw new ArchiveError('bad_entry', 'is not an entry a workspace archive has', path);
      if (++count > maxEntries) throw new ArchiveError('bad_entry', `is entry ${count}: an archive has at most ${maxEntries}`, path);
      const size = entry.header.size ?? 0;
      if (size > entryLimit(path)) throw new ArchiveError('bad_entry', `is ${size} bytes, more than an entry of its kind may be (${entryLimit(path)})`, path);
      total += 512 + size;
      if (limits.maxTotalBytes !== undefined && total > limits.maxTotalBytes) {
        throw new ArchiveError('bad_entry', `takes the archive past ${limits.maxTotalBytes} bytes unpacked, more than this server reads from one archive`, path);
      }
      last = path;
      const hash = createHash('sha256');
      const chunks: Buffer[] = [];
      let bytes = 0;
      const whole = keep(path);
      for await (const chunk of entry as AsyncIterable<Buffer>) {
        hash.update(chunk);
        bytes += chunk.byteLength;
        if (whole) chunks.push(chunk);
      }
      await onEntry({ path, sha256: hash.digest('hex'), bytes, ...(whole ? { data: Buffer.concat(chunks) } : {}) });
    }
    await feed;
  } catch (err) {
    if (err instanceof ArchiveError) throw err;
    const message = (err as Error).message;
    if (/incorrect header check|not in gzip format|invalid/i.test(message) && last === undefined) {
      throw new ArchiveError('not_an_archive', `${file} is not a Driftdesk workspace archive (${message})`);
    }
    throw new ArchiveError('truncated', `the archive is cut short or corrupt (${message})${last ? ` after entry ${last}` : ''}`);
  } finally {
    extract.destroy();
  }
}

export interface VerifiedArchive {
  manifest: Manifest;
  rows: WorkspaceRows;
}

/** Pass 1: checks the whole archive without writing anything; returns what it holds. */
export async function verifyArchive(file: ArchiveInput, limits: ReadLimits = {}): Promise<VerifiedArchive> {
  const seen = new Map<string, { sha256: string; bytes: number }>();
  let manifestBytes: Buffer | undefined;
  let rowsBytes: Buffer | undefined;
  await readEntries(file, (p) => p === 'manifest.json' || p === 'workspace.json', async (e) => {
    if (seen.has(e.path) || (e.path === 'manifest.json' && manifestBytes)) throw new ArchiveError('tampered', 'appears twice', e.path);
    if (e.path === 'manifest.json') manifestBytes = e.data;
    else {
      seen.set(e.path, { sha256: e.sha256, bytes: e.bytes });
      if (e.path === 'workspace.json') rowsBytes = e.data;
      if (e.path.startsWith('blobs/') && e.path.slice(6) !== e.sha256) throw new ArchiveError('tampered', 'its bytes do not hash to its name', e.path);
    }
  }, limits);
  if (!manifestBytes) throw new ArchiveError('truncated', 'the archive has no manifest.json (it is cut short, or not a workspace archive)');
  const parsedManifest = parseJson(manifestBytes, 'manifest.json');
  // `null` is JSON too: only an object has a format to read.
  const rawManifest = (typeof parsedManifest === 'object' && parsedManifest !== null ? parsedManifest : {}) as { format?: unknown; version?: unknown };
  if (rawManifest.format !== ARCHIVE_FORMAT) throw new ArchiveError('not_an_archive', 'is not a Driftdesk workspace archive manifest', 'manifest.json');
  if (typeof rawManifest.version === 'number' && rawManifest.version > ARCHIVE_VERSION) {
    throw new ArchiveError('newer_format', `archive format ${rawManifest.version} is newer than this Driftdesk reads (${ARCHIVE_VERSION}); import it with a newer Driftdesk`, 'manifest.json');
  }
  const manifest = parsed(manifestSchema, rawManifest, 'manifest.json');
  const listed = new Set<string>();
  for (const m of manifest.entries) {
    if (listed.has(m.path)) throw new ArchiveError('tampered', 'is listed twice in the manifest', m.path);
    listed.add(m.path);
    const got = seen.get(m.path);
    if (!got) throw new ArchiveError('truncated', 'is in the manifest but not in the archive', m.path);
    if (got.bytes !== m.bytes || got.sha256 !== m.sha256) throw new ArchiveError('tampered', `does not match the manifest (sha256 ${got.sha256.slice(0, 12)}…, ${got.bytes} bytes; manifest says ${m.sha256.slice(0, 12)}…, ${m.bytes} bytes)`, m.path);
  }
  for (const path of seen.keys()) if (!listed.has(path)) throw new ArchiveError('tampered', 'is not listed in the manifest', path);
  if (!rowsBytes) throw new ArchiveError('truncated', 'the archive has no workspace.json');
  const rows = parsed(workspaceRowsSchema, parseJson(rowsBytes, 'workspace.json'), 'workspace.json');
  if (rows.workspace.id !== manifest.workspaceId) throw new ArchiveError('tampered', 'names another workspace than the manifest', 'workspace.json');
  for (const d of rows.docs) {
    // The doc name says which room the entry becomes: it must be the one its path stands for.
    let path: string;
    try {
      path = docEntryPath(d.doc);
    } catch {
      throw new ArchiveError('bad_entry', `lists doc "${d.doc}", which is not a workspace, note or conversation doc`, 'workspace.json');
    }
    if (path !== d.path) throw new ArchiveError('tampered', `lists doc "${d.doc}" at ${d.path}, which is not its entry (${path})`, 'workspace.json');
    if (!seen.has(d.path)) throw new ArchiveError('truncated', `lists doc "${d.doc}" whose entry is missing`, d.path);
  }
  // Each thing once: a second row of one id would fail the transaction with the database's own
  // words, and a second snapshot or doc on one entry would be dropped without a word.
  onlyOnce(rows.members, (m) => `member ${m.id}`);
  onlyOnce(rows.tokens, (t) => `token ${t.hash.slice(0, 12)}…`);
  onlyOnce(rows.webhooks, (h) => `webhook ${h.id}`);
  onlyOnce(rows.deliveries, (d) => `delivery ${d.id}`);
  onlyOnce(rows.docs, (d) => `doc ${JSON.stringify(d.doc)}`);
  onlyOnce(rows.blobs, (b) => `blob ${b.sha256.slice(0, 12)}…`);
  onlyOnce(rows.snapshots, (s) => `${s.path} for two snapshots`, '');
  for (const s of rows.snapshots) {
    if (!/^history\/[0-9]{1,9}\.update$/.test(s.path)) throw new ArchiveError('bad_entry', `lists ${s.path} as a history snapshot; snapshots are history/<n>.update`, 'workspace.json');
    if (!seen.has(s.path)) throw new ArchiveError('truncated', 'is a listed history snapshot that is missing', s.path);
    // The doc name says whose history the snapshot joins: a workspace, note or conversation doc.
    try {
      docEntryPath(s.doc);
    } catch {
      throw new ArchiveError('bad_entry', `lists history snapshot ${s.path} of doc "${s.doc}", which is not a workspace, note or conversation doc`, 'workspace.json');
    }
  }
  for (const b of rows.blobs) if (!seen.has(`blobs/${b.sha256}`)) throw new ArchiveError('truncated', 'is a listed blob that is missing', `blobs/${b.sha256}`);
  if (rows.monitorHistory && !seen.has(rows.monitorHistory.path)) throw new ArchiveError('truncated', 'is listed in workspace.json but missing', rows.monitorHistory.path);
  if (!rows.monitorHistory && seen.has('monitors/history.jsonl')) throw new ArchiveError('tampered', 'is not listed in workspace.json', 'monitors/history.jsonl');
  const members = new Set(rows.members.map((m) => m.id));
  for (const t of rows.tokens) if (!members.has(t.memberId)) throw new ArchiveError('bad_entry', `a token belongs to member ${t.memberId}, who is not in the archive`, 'workspace.json');
  return { manifest, rows };
}

/**
 * What a sealed webhook holds. Whoever made the archive chose the passphrase, so what it opens is
 * checked like any other row.
 */
function unsealedWebhook(plain: string, id: string): { url: string; secret: string } {
  let value: unknown;
  try {
    value = JSON.parse(plain);
  } catch {
    value = undefined;
  }
  const r = z.object({ url: z.string().max(2000).url().regex(/^https?:/i, 'an http(s) URL'), secret: z.string().max(1000) }).safeParse(value);
  if (!r.success) throw new ArchiveError('bad_entry', `webhook ${id}: its sealed URL and secret are not a webhook's (${r.error.issues[0]?.path.join('.') || 'not JSON'}: ${r.error.issues[0]?.message ?? ''})`, 'workspace.json');
  return r.data;
}

/** Refuses workspace.json when two of `items` have the same key (`what` names it in the error). */
function onlyOnce<T>(items: T[], what: (item: T) => string, suffix = ' twice'): void {
  const keys = new Set<string>();
  for (const item of items) {
    const key = what(item);
    if (keys.has(key)) throw new ArchiveError('bad_entry', `lists ${key}${suffix}`, 'workspace.json');
    keys.add(key);
  }
}

function parseJson(bytes: Buffer, path: string): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw new ArchiveError('bad_entry', `is not JSON (${(err as Error).message})`, path);
  }
}

function parsed<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } } }, value: unknown, path: string): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  throw new ArchiveError('bad_entry', `${issue.path.map(String).join('.') || '(top)'}: ${issue.message}`, path);
}

/** The workspace doc under another id (`--as`) says so itself: its meta record names the workspace. */
function retarget(state: Uint8Array, workspaceId: string): Uint8Array {
  const doc = new Y.Doc({ gc: false });
  Y.applyUpdate(doc, state);
  const meta = doc.getMap(DOC_KEYS.meta);
  if (meta.has('id')) meta.set('id', workspaceId);
  return Y.encodeStateAsUpdate(doc);
}

/** The rows of monitors/history.jsonl, each checked, as many as workspace.json says; a bad line is named by its number. */
export function monitorHistoryRows(data: Buffer, declared: number): MonitorBatchRow[] {
  const lines = data.toString('utf8').split('\n');
  const out: MonitorBatchRow[] = [];
  const ids = new Set<number>();
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      throw new ArchiveError('bad_entry', `line ${i + 1} is not JSON (${(err as Error).message})`, 'monitors/history.jsonl');
    }
    const r = monitorHistoryRowSchema.safeParse(value);
    if (!r.success) throw new ArchiveError('bad_entry', `line ${i + 1}: ${r.error.issues[0]!.path.map(String).join('.')}: ${r.error.issues[0]!.message}`, 'monitors/history.jsonl');
    if (ids.has(r.data.id)) throw new ArchiveError('bad_entry', `line ${i + 1}: row ${r.data.id} appears twice`, 'monitors/history.jsonl');
    ids.add(r.data.id);
    out.push(r.data);
  });
  if (out.length !== declared) throw new ArchiveError('bad_entry', `holds ${out.length} rows; workspace.json says ${declared}`, 'monitors/history.jsonl');
  return out;
}

/** A row whose id another workspace of this store already has is a conflict, not a crash. */
async function uniqueOrConflict(what: string, write: () => Promise<void>): Promise<void> {
  try {
    await write();
  } catch (err) {
    if (/UNIQUE|duplicate key/i.test((err as Error).message)) throw new ArchiveError('conflict', `this store already has ${what}: import into another store, or remove that workspace first`, 'workspace.json');
    throw err;
  }
}

/**
 * A history row keeps its id (incidents' findings cite it). Ids are unique within a workspace, so
 * only the target workspace can have it already (rows written since its check): a conflict, not a crash.
 */
export async function insertBatch(sink: ArchiveSink, ws: string, row: MonitorBatchRow): Promise<void> {
  try {
    await sink.monitorBatch(ws, row);
  } catch (err) {
    if (/UNIQUE|duplicate key/i.test((err as Error).message)) throw new ArchiveError('conflict', `workspace ${ws} already has monitor history row ${row.id}: import into another workspace`, 'monitors/history.jsonl');
    throw err;
  }
}

export interface ImportOptions {
  /** Import under another workspace id (the archive's is taken, or a copy is wanted elsewhere). */
  as?: string;
  /** Opens sealed webhook secrets; without it an archive with sealed secrets is refused… */
  passphrase?: string;
  /** …unless the person chose to import without its webhooks. */
  skipSecrets?: boolean;
}

export interface ImportSummary {
  workspaceId: string;
  docs: number;
  snapshots: number;
  blobs: number;
  members: number;
  webhooks: number;
  monitorHistoryRows: number;
  /** Webhooks whose URL and secret were not in the archive: add them again (origin shown). */
  webhooksToReAdd: { id: string; purpose: string; origin: string }[];
}

/** Verifies, then imports in one transaction on `openSink()`'s connection. */
export async function importWorkspace(file: string, openSink: () => Promise<ArchiveSink>, options: ImportOptions = {}): Promise<ImportSummary> {
  const { manifest, rows } = await verifyArchive(file);
  const ws = options.as ?? rows.workspace.id;
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(ws)) throw new ArchiveError('bad_entry', `--as ${ws}: a workspace id is letters, digits, _ and - (at most 128)`);
  const sealed = rows.webhooks.filter((h) => h.sealed);
  if (sealed.length > 0 && !options.passphrase && !options.skipSecrets) {
    throw new ArchiveError('passphrase', `the archive holds ${sealed.length} webhook secret(s) sealed with a passphrase: give it (DRIFTDESK_ARCHIVE_PASSPHRASE or --passphrase-file), or import without them (--skip-secrets)`);
  }
  // Unseal before the transaction: a wrong passphrase refuses the archive with nothing written.
  const webhooks = options.passphrase
    ? sealed.map((h) => ({ ...h, ...unsealedWebhook(unseal(h.sealed!, options.passphrase!, `workspace.json webhook ${h.id}`), h.id) }))
    : [];
  const hashes = new Map(manifest.entries.map((e) => [e.path, e]));
  const docByPath = new Map(rows.docs.map((d) => [d.path, d.doc]));
  const snapshotOf = new Map(rows.snapshots.map((s) => [s.path, s]));
  const blobAt = new Map(rows.blobs.map((b) => [`blobs/${b.sha256}`, b.createdAt]));

  const sink = await openSink();
  try {
    const taken = await sink.taken({ workspaceId: ws, memberIds: rows.members.map((m) => m.id), tokenHashes: rows.tokens.map((t) => t.hash), webhookIds: webhooks.map((h) => h.id) });
    if (taken.length > 0) {
      throw new ArchiveError('conflict', `this store already has ${taken.slice(0, 3).join(', ')}${taken.length > 3 ? ` and ${taken.length - 3} more` : ''}: import into another store, or remove that workspace first${taken[0]!.startsWith('workspace') ? ' (or choose another id with --as)' : ''}`);
    }
    await sink.workspace({ ...rows.workspace, id: ws });
    for (const m of rows.members) await sink.member(ws, m);
    for (const t of rows.tokens) await sink.token(t);
    for (const h of webhooks) await sink.webhook(ws, { id: h.id, url: h.url, secret: h.secret, purpose: h.purpose, createdAt: h.createdAt });
    for (const d of rows.deliveries) await uniqueOrConflict(`webhook delivery ${d.id}`, () => sink.delivery(ws, { id: d.id, webhookId: d.webhookId, url: d.origin, event: d.event, status: d.status, attempts: d.attempts, lastStatus: d.lastStatus, lastError: d.lastError, createdAt: d.createdAt, updatedAt: d.updatedAt }));
    if (rows.monitored) await sink.markMonitored(ws);
    // The file is read again: whatever it is now must be what was verified, entry for entry.
    const imported = new Set<string>();
    await readEntries(file, (p) => p !== 'manifest.json' && p !== 'workspace.json', async (e) => {
      if (!e.data) return;
      const expected = hashes.get(e.path);
      if (!expected || expected.sha256 !== e.sha256 || imported.has(e.path)) throw new ArchiveError('tampered', 'changed while it was being imported', e.path);
      imported.add(e.path);
      const bytes = new Uint8Array(e.data.buffer, e.data.byteOffset, e.data.byteLength);
      const doc = docByPath.get(e.path);
      if (doc !== undefined) {
        const verdict = checkUpdateStructure(new Y.Doc({ gc: false }), bytes);
        if (verdict.kind === 'bad') throw new ArchiveError('bad_entry', `is not a sound Yjs document (${verdict.reason})`, e.path);
        await sink.doc(ws, doc, doc === '' && ws !== rows.workspace.id ? retarget(bytes, ws) : bytes);
      } else if (snapshotOf.has(e.path)) {
        const s = snapshotOf.get(e.path)!;
        // A snapshot is read back and restored from: it must be a whole doc state, as a doc is.
        const verdict = checkUpdateStructure(new Y.Doc({ gc: false }), bytes);
        if (verdict.kind === 'bad') throw new ArchiveError('bad_entry', `is not a sound Yjs document (${verdict.reason})`, e.path);
        await sink.snapshot(ws, s.doc, s.createdAt, bytes);
      } else if (blobAt.has(e.path)) {
        await sink.blob(ws, e.sha256, blobAt.get(e.path)!, bytes);
      } else if (e.path === rows.monitorHistory?.path) {
        for (const row of monitorHistoryRows(e.data, rows.monitorHistory.rows)) await insertBatch(sink, ws, row);
      } else {
        throw new ArchiveError('tampered', 'is not listed in workspace.json', e.path);
      }
    });
    for (const m of manifest.entries) {
      if (m.path !== 'workspace.json' && !imported.has(m.path)) throw new ArchiveError('tampered', 'was gone when the archive was read again to import it', m.path);
    }
    await sink.commit();
  } catch (err) {
    await sink.rollback();
    throw err;
  }
  return {
    workspaceId: ws, docs: rows.docs.length, snapshots: rows.snapshots.length, blobs: rows.blobs.length, members: rows.members.length, webhooks: webhooks.length, monitorHistoryRows: rows.monitorHistory?.rows ?? 0,
    webhooksToReAdd: rows.webhooks.filter((h) => !h.sealed || !options.passphrase).map((h) => ({ id: h.id, purpose: h.purpose, origin: h.origin })),
  };
}
