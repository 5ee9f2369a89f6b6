/**
 * Names given on the command line are checked with the same schema the HTTP API and the doc use
 * (src/core/workspace/schema.ts), so the CLI never stores a name the server would then refuse.
 */
import type { z } from 'zod';
import { UsageError } from './usage-error.ts';

/** The trimmed value of `--<flag>`, or a UsageError (exit 2) saying what is wrong with it. */
export function nameOption(flag: string, value: unknown, schema: z.ZodType<string>): string {
  if (typeof value !== 'string' || value.trim() === '') throw new UsageError(`--${flag} is required`);
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new UsageError(`--${flag}: ${parsed.error.issues.map((i) => i.message).join('; ')} (got ${value.trim().length})`);
}
