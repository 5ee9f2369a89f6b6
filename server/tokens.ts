import { createHash, randomBytes } from 'node:crypto';

/**
 * Member tokens are 32 random bytes, so a plain SHA-256 is enough to store them (no password
 * stretching needed: there is nothing to brute-force). Only the hash is ever written to disk.
 */
export function newToken(): string {
  return `ddt_${randomBytes(32).toString('base64url')}`;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Short random identifiers for workspaces and members (URL-safe). */
export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString('base64url')}`;
}
