/**
 * Telling a person that a "CSV" is binary without echoing the binary: the first byte that
 * cannot be UTF-8 text (a NUL, or a sequence that is not UTF-8 — which pandas' `read_csv`
 * refuses too), its line and byte offset, and an excerpt in which every byte that is not
 * printable ASCII is written as \xNN. Reader messages that quote file content go through
 * {@link printable} for the same reason.
 */
import { open } from 'node:fs/promises';

/** Where a file stops being UTF-8 text. */
export interface BinarySpot {
  /** 0-based offset of the first offending byte. */
  offset: number;
  /** 1-based line of that byte. */
  line: number;
  /** The offending byte. */
  byte: number;
  /** A printable excerpt around it (see {@link printableBytes}). */
  excerpt: string;
}

/**
 * Length of the valid UTF-8 sequence starting at `i`, 0 if the byte there starts none (or is
 * NUL), or -1 if the sequence is cut off by the end of `bytes` (more bytes are needed to tell).
 */
function utf8Length(bytes: Uint8Array, i: number): number {
  const b = bytes[i]!;
  if (b === 0) return 0;
  if (b < 0x80) return 1;
  let n: number;
  let lo = 0x80;
  let hi = 0xbf;
  if (b >= 0xc2 && b <= 0xdf) n = 2;
  else if (b >= 0xe0 && b <= 0xef) {
    n = 3;
    if (b === 0xe0) lo = 0xa0; // no overlong forms
    if (b === 0xed) hi = 0x9f; // no surrogates
  } else if (b >= 0xf0 && b <= 0xf4) {
    n = 4;
    if (b === 0xf0) lo = 0x90;
    if (b === 0xf4) hi = 0x8f; // nothing above U+10FFFF
  } else return 0;
  for (let k = 1; k < n; k++) {
    if (i + k >= bytes.length) return -1;
    const c = bytes[i + k]!;
    if (c < (k === 1 ? lo : 0x80) || c > (k === 1 ? hi : 0xbf)) return 0;
  }
  return n;
}

/**
 * `bytes` as printable ASCII: printable ASCII as it is (a backslash doubled), tab, CR and LF
 * as \t \r \n, every other byte — non-ASCII ones included, since they surround binary —
 * as \xNN.
 */
export function printableBytes(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) {
    if (b === 0x5c) out += '\\\\';
    else if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
    else if (b === 0x09) out += '\\t';
    else if (b === 0x0a) out += '\\n';
    else if (b === 0x0d) out += '\\r';
    else out += `\\x${b.toString(16).padStart(2, '0').toUpperCase()}`;
  }
  return out;
}

/** Characters a terminal would not show as themselves (controls, format, unassigned, private, U+FFFD). */
const NOT_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\u2028\u2029\uFFFD]/gu;

/**
 * `text` with every character a terminal would not print as itself written as \xNN or
 * \u{…}, cut to `max` characters with "…": for messages that quote a file's content.
 */
export function printable(text: string, max = 200): string {
  const escaped = text.replace(NOT_PRINTABLE, (ch) => {
    const cp = ch.codePointAt(0)!;
    return cp < 0x100 ? `\\x${cp.toString(16).padStart(2, '0').toUpperCase()}` : `\\u{${cp.toString(16).toUpperCase()}}`;
  });
  return [...escaped].length > max ? `${[...escaped].slice(0, max).join('')}…` : escaped;
}

const CHUNK = 1 << 16;
const EXCERPT_BEFORE = 24;
const EXCERPT_AFTER = 24;

/**
 * The first spot where `path` is not UTF-8 text, reading at most `limit` bytes from the
 * start; null when those bytes are text. A UTF-8 byte order mark is text.
 */
export async function findBinary(path: string, limit = Number.POSITIVE_INFINITY): Promise<BinarySpot | null> {
  const handle = await open(path, 'r');
  try {
    const buffer = new Uint8Array(CHUNK + 4);
    let carry = 0; // bytes of an unfinished UTF-8 sequence kept from the last chunk
    let base = 0; // file offset of buffer[0]
    let line = 1;
    for (;;) {
      const want = Math.min(CHUNK, limit - (base + carry));
      const { bytesRead } = want > 0 ? await handle.read(buffer, carry, want, base + carry) : { bytesRead: 0 };
      const end = carry + bytesRead;
      const last = bytesRead === 0;
      const eof = last && want > 0;
      let i = 0;
      while (i < end) {
        const n = utf8Length(buffer.subarray(0, end), i);
        if (n === -1 && !eof) {
          if (last) return null; // cut off by `limit`: cannot tell
          break; // finish the sequence with the next chunk
        }
        if (n <= 0) return await spot(handle, base + i, line, buffer[i]!);
        if (buffer[i] === 0x0a) line++;
        i += n;
      }
      if (last) return null;
      buffer.copyWithin(0, i, end);
      carry = end - i;
      base += i;
    }
  } finally {
    await handle.close();
  }
}

async function spot(handle: Awaited<ReturnType<typeof open>>, offset: number, line: number, byte: number): Promise<BinarySpot> {
  const start = Math.max(0, offset - EXCERPT_BEFORE);
  const bytes = new Uint8Array(offset - start + EXCERPT_AFTER);
  const { bytesRead } = await handle.read(bytes, 0, bytes.length, start);
  // Start the excerpt at the offending byte's line when that line began within reach.
  const head = bytes.subarray(0, offset - start);
  const lineStart = head.lastIndexOf(0x0a) + 1;
  const shown = bytes.subarray(lineStart, bytesRead);
  const excerpt = `${start > 0 && lineStart === 0 ? '…' : ''}${printableBytes(shown)}${start + bytesRead < offset + EXCERPT_AFTER ? '' : '…'}`;
  return { offset, line, byte, excerpt };
}

/** "line 3, byte offset 17: not UTF-8 text (byte 0xFF) in "…"" for a {@link BinarySpot}. */
export function describeBinary(path: string, s: BinarySpot): string {
  const what = s.byte === 0 ? 'a NUL byte (0x00)' : `byte 0x${s.byte.toString(16).padStart(2, '0').toUpperCase()}, which is not UTF-8`;
  return `${path}, line ${s.line} (byte offset ${s.offset}): binary data, not UTF-8 text: ${what} in "${s.excerpt}"; save the file as UTF-8 text or export it as Parquet`;
}
