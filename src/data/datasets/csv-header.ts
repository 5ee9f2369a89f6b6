import { open } from 'node:fs/promises';

/**
 * Reads the header row of a delimited file: the column names, with RFC 4180 quoting.
 * We read it ourselves so DuckDB can parse the body strictly against a known column count
 * (its sniffer otherwise picks a later, longer row as the header of a ragged file).
 */
export async function readCsvHeader(path: string, delimiter: string): Promise<string[]> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(1 << 20);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    let text = buffer.subarray(0, bytesRead).toString('utf8');
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    return parseFirstRecord(text, delimiter);
  } finally {
    await handle.close();
  }
}

export function parseFirstRecord(text: string, delimiter: string): string[] {
  return scanFirstRecord(text, delimiter).fields;
}

/**
 * The first record's fields, and whether a line end closed it (`ended`): false when `text`
 * ran out inside the record, so a caller that passed a prefix of a file knows the header
 * goes on past it.
 */
export function scanFirstRecord(text: string, delimiter: string): { fields: string[]; ended: boolean } {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === delimiter) {
      fields.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      fields.push(field);
      return { fields, ended: true };
    } else field += ch;
  }
  if (field !== '' || fields.length > 0) fields.push(field);
  return { fields, ended: false };
}
