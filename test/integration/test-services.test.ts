/**
 * The test-services helper stops what it started on every path: when Redis cannot start (here:
 * its binary is missing) after PostgreSQL came up, the owner still stops that PostgreSQL.
 * Real PostgreSQL; the missing Redis is a path that does not exist.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { type RunningPostgres, serviceOwner, startPostgres, startRedis } from '../helpers/services.ts';

const scratch = mkdtempSync(join(tmpdir(), 'driftdesk-services-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function connects(url: string): Promise<true | string> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code ?? String(err);
  } finally {
    await client.end().catch(() => undefined);
  }
}

describe('serviceOwner', () => {
  it('stops PostgreSQL when Redis fails to start beside it', async () => {
    const missing = join(scratch, 'no-such-redis-server');
    expect(existsSync(missing)).toBe(false);
    const services = serviceOwner();
    let started: RunningPostgres | undefined;
    const postgres = services.start(startPostgres()).then((db) => (started = db));
    // The pattern every test file uses in beforeAll.
    const both = Promise.all([postgres, services.start(startRedis({ bin: missing }))]);
    await expect(both).rejects.toThrow(/no-such-redis-server could not start \(spawn .* ENOENT\)/);
    // Redis failed at once; PostgreSQL may still be starting. afterAll's stop() must wait for it.
    await services.stop();
    expect(started, 'PostgreSQL came up before the owner stopped it').toBeDefined();
    expect(await connects(started!.url)).toBe('ECONNREFUSED');
  }, 60_000);

  it('leaves a service running until stop(), then stops it', async () => {
    const services = serviceOwner();
    try {
      const db = await services.start(startPostgres());
      expect(await connects(db.url)).toBe(true);
      await services.stop();
      expect(await connects(db.url)).toBe('ECONNREFUSED');
    } finally {
      await services.stop();
    }
  }, 60_000);

  it('stops a paused PostgreSQL without an error', async () => {
    const services = serviceOwner();
    const db = await services.start(startPostgres());
    db.pause();
    await expect(services.stop()).resolves.toBeUndefined();
  }, 60_000);
});
