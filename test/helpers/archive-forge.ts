/**
 * Takes a real workspace archive apart and puts hostile ones together, as an attacker would with
 * tar and gzip: any entry names, types, sizes and order, a manifest rewritten to match (or not),
 * gzip in members cut anywhere. Used by test/integration/archive-attacks.test.ts.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import tar from 'tar-stream';

export interface RawEntry {
  name: string;
  data: Buffer;
  /** Header fields besides name and size (type, linkname, mode …). */
  header?: Partial<tar.Header>;
}

export const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** The entries of a gzipped tar, in order. */
export async function entriesOf(archive: string | Buffer): Promise<RawEntry[]> {
  const extract = tar.extract();
  const out: RawEntry[] = [];
  const done = new Promise<void>((resolve, reject) => {
    extract.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: unknown) => void chunks.push(c as Buffer));
      stream.on('end', () => {
        out.push({ name: header.name, data: Buffer.concat(chunks) });
        next();
      });
    });
    extract.on('finish', resolve);
    extract.on('error', reject);
  });
  extract.end(gunzipSync(typeof archive === 'string' ? readFileSync(archive) : archive));
  await done;
  return out;
}

/** The plain tar bytes of `entries` (a symlink or hard link entry carries no data). */
export async function tarOf(entries: RawEntry[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (c: unknown) => void chunks.push(c as Buffer));
  const ended = new Promise<void>((resolve) => pack.on('end', resolve));
  for (const e of entries) {
    const type = e.header?.type ?? 'file';
    const header = { size: type === 'file' ? e.data.byteLength : 0, ...e.header, name: e.name };
    await new Promise<void>((resolve, reject) => {
      const done = (err?: Error | null) => (err ? reject(err) : resolve());
      if (type === 'file') pack.entry(header, e.data, done);
      else pack.entry(header, done);
    });
  }
  pack.finalize();
  await ended;
  return Buffer.concat(chunks);
}

export const gzOf = async (entries: RawEntry[]) => gzipSync(await tarOf(entries));

interface Manifest { format: string; version: number; workspaceId: string; exportedAt: number; entries: { path: string; sha256: string; bytes: number }[] }

/**
 * Changes workspace.json (parsed) and then rewrites manifest.json to match every other entry
 * (first of each name), as someone who knows the format would, so only the check under attack
 * can refuse it; `manifest` then changes the manifest itself.
 */
export function forged(entries: RawEntry[], change: { rows?: (rows: Record<string, unknown>) => unknown; manifest?: (m: Manifest) => void } = {}): RawEntry[] {
  const out = entries.map((e) => ({ ...e }));
  const rowsEntry = out.find((e) => e.name === 'workspace.json');
  if (rowsEntry && change.rows) {
    const rows = JSON.parse(rowsEntry.data.toString()) as Record<string, unknown>;
    const replaced = change.rows(rows);
    rowsEntry.data = Buffer.from(typeof replaced === 'string' ? replaced : JSON.stringify(replaced ?? rows));
  }
  const manifestEntry = out.find((e) => e.name === 'manifest.json')!;
  const manifest = JSON.parse(manifestEntry.data.toString()) as Manifest;
  const listed = new Set<string>();
  manifest.entries = [];
  for (const e of out) {
    if (e.name === 'manifest.json' || listed.has(e.name) || (e.header?.type ?? 'file') !== 'file') continue;
    listed.add(e.name);
    manifest.entries.push({ path: e.name, sha256: sha256(e.data), bytes: e.data.byteLength });
  }
  change.manifest?.(manifest);
  manifestEntry.data = Buffer.from(JSON.stringify(manifest));
  return out;
}

/** Replaces one entry's bytes (by name). */
export const replaced = (entries: RawEntry[], name: string, data: Buffer): RawEntry[] => entries.map((e) => (e.name === name ? { ...e, data } : e));

/**
 * Byte offsets in a plain tar where each header starts, where each entry's data starts, and
 * where the end-of-archive blocks start: the boundaries to cut at.
 */
export function tarBoundaries(tarBytes: Buffer): { headers: number[]; data: { name: string; at: number; size: number }[]; end: number } {
  const headers: number[] = [];
  const data: { name: string; at: number; size: number }[] = [];
  let at = 0;
  while (at + 512 <= tarBytes.length) {
    const block = tarBytes.subarray(at, at + 512);
    if (block.every((b) => b === 0)) return { headers, data, end: at };
    headers.push(at);
    const name = block.subarray(0, 100).toString('utf8').replace(/\0.*$/s, '');
    const prefix = block.subarray(345, 500).toString('utf8').replace(/\0.*$/s, '');
    const size = parseInt(block.subarray(124, 136).toString('utf8').replace(/\0.*$/s, '').trim(), 8);
    data.push({ name: prefix ? `${prefix}/${name}` : name, at: at + 512, size });
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return { headers, data, end: at };
}

/** Offsets where a member of a multi-member gzip file ends and the next begins (each checked by inflating the prefix). */
export function gzipMemberEnds(gz: Buffer): number[] {
  const ends: number[] = [];
  for (let i = 10; i + 3 < gz.length; i++) {
    if (gz[i] !== 0x1f || gz[i + 1] !== 0x8b || gz[i + 2] !== 0x08) continue;
    try {
      gunzipSync(gz.subarray(0, i));
      ends.push(i);
    } catch {
      // the magic bytes inside compressed data, not a member boundary
    }
  }
  return ends;
}

/**
 * A gzipped tar of `count` empty files named `name(i)`, made header by header (a million take a
 * second): what a small file that names millions of entries looks like.
 */
export async function manyEmptyEntries(count: number, name: (i: number) => string): Promise<Buffer> {
  const template = (await tarOf([{ name: name(0), data: Buffer.alloc(0) }])).subarray(0, 512);
  const members: Buffer[] = [];
  const perMember = 10_000;
  for (let start = 0; start < count; start += perMember) {
    const n = Math.min(perMember, count - start);
    const chunk = Buffer.alloc(n * 512);
    for (let k = 0; k < n; k++) {
      const h = chunk.subarray(k * 512, (k + 1) * 512);
      template.copy(h);
      h.fill(0, 0, 100);
      h.write(name(start + k), 0, 100, 'utf8');
      h.fill(' ', 148, 156);
      let sum = 0;
      for (let b = 0; b < 512; b++) sum += h[b]!;
      h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'ascii');
    }
    members.push(gzipSync(chunk, { level: 1 }));
  }
  return Buffer.concat(members);
}
