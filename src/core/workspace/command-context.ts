import { z } from 'zod';

/** Who is acting, and where time and identifiers come from (passed in so tests are deterministic). */
export interface CommandContext {
  actor: { id: string; name: string };
  /** Milliseconds since the Unix epoch. */
  now: () => number;
  newId: () => string;
}

/** A command refused its input. `issues` lists each field and what is wrong with it. */
export class CommandError extends Error {
  override readonly name = 'CommandError';
  constructor(
    readonly command: string,
    readonly issues: { path: string; message: string }[],
  ) {
    super(`${command}: ${issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ')}`);
  }
}

/** Parses `input` or throws a CommandError naming every bad field; nothing is written on failure. */
export function parseInput<S extends z.ZodType>(command: string, schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new CommandError(
    command,
    result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
  );
}
