/**
 * An attacker's review of workspace archives (issue 21): webhook secrets sealed with a passphrase.
 * Every byte of an archive is the attacker's; each hostile one must be refused with an error that
 * names the entry or field, with nothing written. Real SQLite files, a real PostgreSQL, a real
 * sync server, the real CLI; no mocks. Shared set-up: test/helpers/archive-attack-fixture.ts.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportWorkspace } from '../../server/archive/export-workspace.ts';
import { importWorkspace } from '../../server/archive/import-workspace.ts';
import { seal } from '../../server/archive/seal.ts';
import { ServerStore } from '../../server/store.ts';
import { entriesOf, forged, sha256 } from '../helpers/archive-forge.ts';
import { dir, refusedBy, seeded, targetStore, useArchiveFixture, written } from '../helpers/archive-attack-fixture.ts';

useArchiveFixture();

describe('webhook secrets sealed with a passphrase', () => {
  it('a wrong passphrase, a changed byte, a cut tag, a ruinous scrypt cost or a sealed non-webhook is refused with nothing written', async () => {
    const passphrase = 'correct horse battery staple';
    const origin = new ServerStore(join(dir, 'origin'));
    const sealedFile = join(dir, 'sealed.tar.gz');
    const source = await origin.openArchiveSource(seeded.ws.id);
    await exportWorkspace(source, sealedFile, { passphrase });
    await source.close();
    origin.close();
    const sealedEntries = await entriesOf(sealedFile);
    const store = targetStore('target-sealed');
    try {
      type Sealed = { N: number; r: number; p: number; salt: string; iv: string; tag: string; data: string };
      const withSealed = (change: (s: Sealed) => void) => forged(sealedEntries, { rows: (r) => void change((r.webhooks as { sealed: Sealed }[])[0]!.sealed) });
      const flip = (b64: string, at = 0) => {
        const b = Buffer.from(b64, 'base64');
        b[at] = b[at]! ^ 1;
        return b.toString('base64');
      };
      await refusedBy(store, sealedFile, 'passphrase', /^workspace\.json webhook [^:]+: the passphrase does not open the webhook secrets/, { passphrase: 'not the passphrase at all' });
      const changes: [string, (s: Sealed) => void][] = [
        ['data', (x) => void (x.data = flip(x.data, 3))],
        ['tag', (x) => void (x.tag = flip(x.tag))],
        ['iv', (x) => void (x.iv = flip(x.iv))],
        ['salt', (x) => void (x.salt = flip(x.salt))],
        ['cost', (x) => void (x.N = 2 ** 14)],
        // The genuine tag's first 4 bytes: GCM checks only as many bytes as it is given, unless told the length.
        ['short-tag', (x) => void (x.tag = Buffer.from(x.tag, 'base64').subarray(0, 4).toString('base64'))],
        ['no-tag', (x) => void (x.tag = '')],
        ['not-base64', (x) => void (x.data = '!!!not base64!!!')],
      ];
      for (const [name, change] of changes) {
        await refusedBy(store, await written(withSealed(change), `sealed-${name}`), 'passphrase', /the passphrase does not open the webhook secrets \(wrong passphrase, or the archive was changed\)/, { passphrase });
      }
      // A cost that would take gigabytes and minutes per webhook is refused before scrypt runs.
      for (const cost of [{ N: 2 ** 20, r: 16, p: 4 }, { N: 2 ** 19, r: 8, p: 1 }, { N: 2 ** 15, r: 64, p: 1 }, { N: 2 ** 15, r: 8, p: 16 }]) {
        await refusedBy(store, await written(withSealed((x) => Object.assign(x, cost)), `sealed-cost-${cost.N}-${cost.r}-${cost.p}`), 'bad_entry', /the sealed secrets ask for an unreasonable scrypt cost/, { passphrase });
      }
      // Sealed properly, with the passphrase the archive's maker chose, but not a webhook inside.
      for (const plain of ['not json', '{"url":"javascript:alert(1)","secret":"s"}', '{"url":"https://ok.example.com/h","secret":5}', '{"__proto__":{"url":"https://x.example.com","secret":"s"}}']) {
        const file = await written(withSealed((x) => Object.assign(x, seal(plain, passphrase))), `sealed-plain-${sha256(Buffer.from(plain)).slice(0, 8)}`);
        await refusedBy(store, file, 'bad_entry', /^workspace\.json: webhook [^:]+: its sealed URL and secret are not a webhook's/, { passphrase });
      }
      // The genuine archive opens with the genuine passphrase.
      expect(await importWorkspace(sealedFile, () => store.openArchiveSink(), { passphrase })).toMatchObject({ webhooks: 1 });
      expect(store.listWebhooks(seeded.ws.id).map((h) => h.url)).toEqual(['https://hooks.example.com/services/T000/B000/XXXXSECRET']);
    } finally {
      store.close();
    }
  }, 120_000);
});
