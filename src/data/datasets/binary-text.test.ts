import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeBinary, findBinary, printable, printableBytes } from './binary-text.ts';
import { DatasetReader } from './dataset-reader.ts';

const dir = mkdtempSync(join(tmpdir(), 'driftdesk-binary-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, ...parts: (string | number[])[]): string {
  const path = join(dir, name);
  writeFileSync(path, Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p)))));
  return path;
}

/** Only printable ASCII (and the ellipsis the excerpt uses): what a message may hold. */
const onlyPrintable = (text: string) => [...text].filter((ch) => !/[\x20-\x7e…]/.test(ch));

describe('findBinary', () => {
  it('accepts UTF-8 text: a BOM, accents, emoji, and a character split across two read chunks', async () => {
    const pad = 'x'.repeat((1 << 16) - 1);
    expect(await findBinary(file('text.csv', [0xef, 0xbb, 0xbf], 'a,b\nÅsa,😀\n', pad, 'é\n'))).toBeNull();
  });

  it('finds a NUL and a byte that is not UTF-8, with line and byte offset', async () => {
    expect(await findBinary(file('nul.csv', 'a,b\n1,2\n3,', [0], '\n'))).toMatchObject({ offset: 10, line: 3, byte: 0 });
    // Latin-1 "é" (0xE9) followed by ASCII is not UTF-8, as pandas' read_csv says too.
    expect(await findBinary(file('latin1.csv', 'name\nJos', [0xe9], '\n'))).toMatchObject({ offset: 8, line: 2, byte: 0xe9, excerpt: 'Jos\\xE9\\n' });
    // An overlong form and a surrogate are not UTF-8 either.
    expect(await findBinary(file('overlong.csv', [0xc0, 0xaf]))).toMatchObject({ offset: 0, byte: 0xc0 });
    expect(await findBinary(file('surrogate.csv', 'a', [0xed, 0xa0, 0x80]))).toMatchObject({ offset: 1, byte: 0xed });
  });

  it('reports a sequence cut off by the end of the file, but not one cut off by the limit', async () => {
    const path = file('cut.csv', 'ab', [0xe2, 0x82]);
    expect(await findBinary(path)).toMatchObject({ offset: 2, byte: 0xe2 });
    expect(await findBinary(path, 3)).toBeNull();
    expect(await findBinary(file('late.csv', 'a\n'.repeat(100), [0]), 50)).toBeNull();
  });

  it('says where and shows a printable excerpt from the start of the line', async () => {
    const path = file('bin.csv', 'a,b\n1,2\n3,', [0x00, 0x1b, 0x5b, 0x32, 0x4a, 0x5c, 0xff], ',4\n');
    const message = describeBinary('bin.csv', (await findBinary(path))!);
    expect(message).toBe('bin.csv, line 3 (byte offset 10): binary data, not UTF-8 text: a NUL byte (0x00) in "3,\\x00\\x1B[2J\\\\\\xFF,4\\n"; save the file as UTF-8 text or export it as Parquet');
    expect(onlyPrintable(message)).toEqual([]);
  });
});

describe('printable', () => {
  it('escapes controls, U+FFFD and lone surrogates, and cuts long text', () => {
    expect(printable('a\u0000b\u001b[2J\ufffd\ud800é')).toBe('a\\x00b\\x1B[2J\\u{FFFD}\\u{D800}é');
    expect(printable('x'.repeat(10), 4)).toBe('xxxx…');
    expect(printableBytes(new Uint8Array([0x41, 0x09, 0x80]))).toBe('A\\t\\x80');
  });
});

describe('the reader names binary files and never echoes their bytes', () => {
  const garbage = Array.from({ length: 4000 }, (_, i) => (i * 7919 + 13) % 256);
  it.each(['csv', 'tsv', 'json', 'jsonl', 'parquet', 'arrow'])('%s', async (ext) => {
    const reader = await DatasetReader.open();
    try {
      const path = file(`garbage.${ext}`, garbage);
      const error = await reader.load(path).then(() => null, (err: Error) => err);
      expect(error?.name).toBe('DatasetError');
      expect(error!.message).toContain(path);
      expect(onlyPrintable(error!.message)).toEqual([]);
      if (ext !== 'parquet' && ext !== 'arrow') expect(error!.message).toMatch(/line \d+ \(byte offset \d+\): binary data/);
    } finally {
      reader.close();
    }
  });

  it('finds binary past the first megabyte when DuckDB cannot read the file', async () => {
    const reader = await DatasetReader.open();
    try {
      const rows = 'a,b\n' + '1,2\n'.repeat(300_000);
      const path = file('late-binary.csv', rows, '3,', [0xff, 0xfe], '\n');
      await expect(reader.load(path)).rejects.toThrow(`late-binary.csv, line 300002 (byte offset ${rows.length + 2}): binary data, not UTF-8 text: byte 0xFF`);
    } finally {
      reader.close();
    }
  });
});
