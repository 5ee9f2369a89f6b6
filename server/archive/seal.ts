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

export function seal(plain: string, passphrase: string): Sealed {
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const key = scryptSync(passphrase, salt, 32, { N, r: R, p: P, maxmem: MAXMEM });
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return { kdf: 'scrypt', N, r: R, p: P, salt: salt.toString('base64'), iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') };
}

export function unseal(sealed: Sealed, passphrase: string, where: string): string {
  // An archive names its own cost; refuse one that would make scrypt eat the machine.
  if (sealed.N > 2 ** 20 || sealed.r > 16 || sealed.p > 4) throw new ArchiveError('bad_entry', 'the sealed secrets ask for an unreasonable scrypt cost', where);
  try {
    const key = scryptSync(passphrase, Buffer.from(sealed.salt, 'base64'), 32, { N: sealed.N, r: sealed.r, p: sealed.p, maxmem: 256 * sealed.N * sealed.r });
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()]).toString('utf8');
  } catch {
    throw new ArchiveError('passphrase', 'the passphrase does not open the webhook secrets (wrong passphrase, or the archive was changed)', where);
  }
}
