/**
 * Small JSON files of the desktop shell in the app data folder (window state, recent
 * workspaces, settings): read through a zod schema, written atomically (temp file + rename), so
 * a crash mid-write leaves the old file and a damaged file is never fatal.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { z } from 'zod';

export type JsonRead<T> = { kind: 'ok'; value: T } | { kind: 'missing' } | { kind: 'invalid'; message: string };

/** Reads and checks `file`; `invalid` says what is wrong and where (file, field). */
export function readJsonFile<S extends z.ZodType>(file: string, schema: S): JsonRead<z.output<S>> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    return { kind: 'invalid', message: `${file}: ${(err as Error).message}` };
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    return { kind: 'invalid', message: `${file}: not JSON (${(err as Error).message})` };
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { kind: 'invalid', message: `${file}: ${issue.path.length ? `${issue.path.join('.')}: ` : ''}${issue.message}` };
  }
  return { kind: 'ok', value: parsed.data };
}

export function writeJsonFile(file: string, value: unknown): void {
  mkdirSync(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(temp, file);
}
