/**
 * Webhook secrets in an archive, sealed with a passphrase: scrypt stretches it into a key
 * (N = 2^15, r = 8, p = 1: OWASP's floor for scrypt) and AES-256-GCM encrypts and
 * authenticates, so a wrong passphrase or a changed byte fails instead of yielding garbage.
 * Node's crypto does both; nothing here is home-made cryptography.
 */
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import { ArchiveError, type Sealed } from './archive-format.ts';

const N = 2 ** 15;
const R = 8;
const P = 1;
/** scrypt needs 128·N·r bytes; Node's default ceiling (32 MiB) is exactly that, so raise it. */
const MAXMEM = 256 * N * R;
/** GCM's whole tag: Node checks only as many tag bytes as it is given (4 would do) unless told. */
const TAG_BYTES = 16;

export function seal(plain: string, passphrase: string): Sealed {
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const key = scryptSync(passphrase, salt, 32, { N, r: R, p: P, maxmem: MAXMEM });
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return { kdf: 'scrypt', N, r: R, p: P, salt: salt.toString('base64'), iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') };
}

export function unseal(sealed: Sealed, passphrase: string, where: string): string {
  // An archive names its own cost, once per webhook; refuse one that would make scrypt eat the
  // machine: at most 8× the memory (256 MiB) and 2× the passes of what seal() writes.
  if (sealed.N > 8 * N || sealed.r > R || sealed.p > 2 * P) {
    throw new ArchiveError('bad_entry', 'the sealed secrets ask for an unreasonable scrypt cost', where);
  }
  try {
    const key = scryptSync(passphrase, Buffer.from(sealed.salt, 'base64'), 32, { N: sealed.N, r: sealed.r, p: sealed.p, maxmem: 256 * sealed.N * sealed.r });
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'), { authTagLength: TAG_BYTES });
    const tag = Buffer.from(sealed.tag, 'base64');
    if (tag.byteLength !== TAG_BYTES) throw new Error('short tag');
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()]).toString('utf8');
  } catch {
    throw new ArchiveError('passphrase', 'the passphrase does not open the webhook secrets (wrong passphrase, or the archive was changed)', where);
  }
}
