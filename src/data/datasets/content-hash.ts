/**
 * Content hashes compatible with DVC (3.x, `hash: md5`): a file's hash is the md5 of its bytes;
 * a directory's is the md5 of its `.dir` manifest — the JSON list of `{"md5", "relpath"}`
 * entries sorted by path, serialized as Python's `json.dumps(..., sort_keys=True)` does —
 * with a `.dir` suffix. (DVC 2.x lock files hashed text files after turning CRLF into LF;
 * DVC 3 and we hash the bytes as they are.)
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

export interface ContentHash {
  md5: string;
  size: number;
  nfiles?: number;
}

export async function md5File(path: string, onBytes?: (n: number) => void): Promise<string> {
  const hash = createHash('md5');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    hash.update(chunk as Buffer);
    onBytes?.((chunk as Buffer).length);
  }
  return hash.digest('hex');
}

export async function contentHash(path: string): Promise<ContentHash> {
  const info = await stat(path);
  if (info.isFile()) return { md5: await md5File(path), size: info.size };
  if (!info.isDirectory()) throw new Error(`${path} is neither a file nor a directory`);
  const files = await listFiles(path);
  const entries: { md5: string; relpath: string; parts: string[] }[] = [];
  let size = 0;
  for (const file of files) {
    const relpath = relative(path, file).split(sep).join('/');
    entries.push({ md5: await md5File(file), relpath, parts: relpath.split('/') });
    size += (await stat(file)).size;
  }
  entries.sort((a, b) => comparePaths(a.parts, b.parts));
  const manifest = `[${entries.map((e) => `{"md5": ${pyString(e.md5)}, "relpath": ${pyString(e.relpath)}}`).join(', ')}]`;
  const md5 = createHash('md5').update(manifest, 'utf8').digest('hex');
  return { md5: `${md5}.dir`, size, nfiles: entries.length };
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(full)));
    else if (entry.isFile()) out.push(full);
  }
  return out;
}

/** Python sorts the path tuples, part by part, by code point. */
function comparePaths(a: string[], b: string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  }
  return a.length - b.length;
}

/** `json.dumps` of a str with the default ensure_ascii=True. */
function pyString(text: string): string {
  let out = '"';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (code < 0x20 || code > 0x7e) {
      if (code > 0xffff) {
        const hi = Math.floor((code - 0x10000) / 0x400) + 0xd800;
        const lo = ((code - 0x10000) % 0x400) + 0xdc00;
        out += `\\u${hi.toString(16).padStart(4, '0')}\\u${lo.toString(16).padStart(4, '0')}`;
      } else out += `\\u${code.toString(16).padStart(4, '0')}`;
    } else out += ch;
  }
  return `${out}"`;
}
