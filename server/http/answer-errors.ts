/**
 * Domain errors a handler may throw, and the status each means. Anything not listed is not
 * known to be the caller's fault: it goes on to the server's 500 (or 503 for storage) path.
 */
import { CommandError } from '../../src/core/workspace/index.ts';
import type { ErrorAnswer } from './answer.ts';

export function knownError(err: unknown): ErrorAnswer | null {
  // A workspace command refused its input: the request's fault.
  if (err instanceof CommandError) return { status: 400, error: err.message, code: 'invalid_command' };
  return null;
}
