/**
 * Browser mode hands picked and dropped files to its host in pieces (`files.*` of the host
 * contract, src/node/file-receiver.ts). Through the contract's dispatcher, as the web host
 * calls it: a file arrives whole, and every hostile call is refused with a sentence — over the
 * host's limit, pieces out of order, past the declared size, an unknown upload, finishing early.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dispatchHostCall, type HostHandlers } from '../../src/shared/host-contract.ts';
import { createHostHandlers } from '../../src/node/host-handlers.ts';
import { JobRunner } from '../../src/node/jobs.ts';
import { LocalCache } from '../../src/node/local-cache.ts';

const dir = mkdtempSync(join(tmpdir(), 'driftdesk-receive-'));
const cache = new LocalCache({ file: join(dir, 'cache.sqlite') });
const handlers: HostHandlers = createHostHandlers({
  cache, jobs: new JobRunner({ node: process.execPath, cli: 'bin/driftdesk' }), localServer: null,
  info: { mode: 'web', version: 'test', dataDir: dir }, maxReceivedFileBytes: 10_000,
});
afterAll(() => {
  cache.close();
  rmSync(dir, { recursive: true, force: true });
});

const call = async (channel: string, req: unknown) => dispatchHostCall(handlers, channel, req);
const ok = async <T>(channel: string, req: unknown): Promise<T> => {
  const reply = await call(channel, req);
  if (reply.kind !== 'ok') throw new Error(reply.message);
  return reply.value as T;
};

describe('files handed to the host in pieces', () => {
  it('arrive whole under the host data folder, with the name made safe', async () => {
    const bytes = new Uint8Array(randomBytes(9000));
    const { uploadId, maxBytes } = await ok<{ uploadId: string; maxBytes: number }>('files.begin', { name: '../../etc/weather 2015.csv', size: 9000 });
    expect(maxBytes).toBe(10_000);
    expect(await ok('files.piece', { uploadId, offset: 0, bytes: bytes.subarray(0, 4000) })).toEqual({ received: 4000 });
    expect(await ok('files.piece', { uploadId, offset: 4000, bytes: bytes.subarray(4000) })).toEqual({ received: 9000 });
    const { path } = await ok<{ path: string }>('files.finish', { uploadId });
    expect(path).toBe(join(dir, 'received-files', uploadId, 'weather_2015.csv'));
    expect(readFileSync(path).equals(Buffer.from(bytes))).toBe(true);
  });

  it('drops a handed-over file that cannot be profiled (random bytes are not data)', async () => {
    cache.saveConnection({ workspaceId: 'ws1', name: 'W', serverUrl: 'http://127.0.0.1:9', token: 't', memberId: 'm', memberName: 'Ada', role: 'owner', local: false, lastOpenedAt: 0 });
    const { uploadId } = await ok<{ uploadId: string }>('files.begin', { name: 'noise.csv', size: 64 });
    await ok('files.piece', { uploadId, offset: 0, bytes: new Uint8Array(randomBytes(64)) });
    const { path } = await ok<{ path: string }>('files.finish', { uploadId });
    const { jobId } = await ok<{ jobId: string }>('datasets.profile', { workspaceId: 'ws1', path });
    let state: { kind: string; message?: string };
    do {
      await new Promise((r) => setTimeout(r, 50));
      state = await ok('jobs.get', { jobId });
    } while (state.kind === 'running');
    expect(state.kind).toBe('failed');
    expect(state.message).toContain('noise.csv');
    expect(existsSync(dirname(path))).toBe(false);
  }, 60_000);

  it('refuses a file over the limit, pieces out of order or past the size, unknown uploads and early finishes', async () => {
    expect(await call('files.begin', { name: 'big.csv', size: 10_001 })).toEqual({ kind: 'error', message: 'big.csv is 10001 bytes; the app takes files of at most 10000 bytes' });
    expect(await call('files.begin', { name: 'empty.csv', size: 0 })).toMatchObject({ kind: 'error', message: 'size: the file is empty' });
    const { uploadId } = await ok<{ uploadId: string }>('files.begin', { name: 'a.csv', size: 100 });
    expect(await call('files.piece', { uploadId, offset: 50, bytes: new Uint8Array(50) })).toEqual({ kind: 'error', message: 'piece at byte 50, but 0 bytes were received: send the piece at 0' });
    expect(await call('files.piece', { uploadId, offset: 0, bytes: new Uint8Array(101) })).toMatchObject({ kind: 'error', message: expect.stringContaining('past the 100 bytes') });
    expect(await call('files.piece', { uploadId, offset: 0, bytes: 'not bytes' })).toMatchObject({ kind: 'error', message: 'bytes: expected bytes' });
    await ok('files.piece', { uploadId, offset: 0, bytes: new Uint8Array(60) });
    expect(await call('files.finish', { uploadId })).toEqual({ kind: 'error', message: 'only 60 of 100 bytes were received' });
    const stranger = crypto.randomUUID();
    expect(await call('files.piece', { uploadId: stranger, offset: 0, bytes: new Uint8Array(1) })).toEqual({ kind: 'error', message: `no file is being received as ${stranger}; start again` });
    // Cancelling removes what was received.
    const folder = join(dir, 'received-files', uploadId);
    expect(existsSync(folder)).toBe(true);
    await ok('files.cancel', { uploadId });
    expect(existsSync(folder)).toBe(false);
    expect(dirname(folder)).toBe(join(dir, 'received-files'));
  });
});
