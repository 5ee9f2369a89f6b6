/**
 * The host's notebook reader (src/node/notebook-reader.ts) through the host contract, as the web
 * host calls it, on a real local cache: a notebook with a 20 MB base64 image, a long log and a
 * small table is added (`notebooks.store`), then opened (`notebooks.index`) — the reply, encoded
 * for the wire as the web host sends it, is small and does not hold the image — and its large
 * outputs are fetched by fingerprint (`notebooks.output`): the image as its decoded bytes, the
 * log as text. A host started afresh on the same cache reads the file from the cache and answers
 * the same. Hostile calls are refused with a sentence.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Notebook } from '../../src/core/notebook/index.ts';
import { createHostHandlers } from '../../src/node/host-handlers.ts';
import { JobRunner } from '../../src/node/jobs.ts';
import { LocalCache } from '../../src/node/local-cache.ts';
import { type HostHandlers, type NotebookOutputReply, dispatchHostCall } from '../../src/shared/host-contract.ts';
import { encodeWire } from '../../src/shared/wire-json.ts';

const dir = mkdtempSync(join(tmpdir(), 'driftdesk-host-notebooks-'));
const cache = new LocalCache({ file: join(dir, 'cache.sqlite') });
const host = (): HostHandlers => createHostHandlers({
  cache, jobs: new JobRunner({ node: process.execPath, cli: 'bin/driftdesk' }), localServer: null,
  info: { mode: 'web', version: 'test', dataDir: dir },
});
afterAll(() => {
  cache.close();
  rmSync(dir, { recursive: true, force: true });
});
// A workspace whose server is unreachable: the file stays in the local cache, as offline.
cache.saveConnection({ workspaceId: 'ws1', name: 'W', serverUrl: 'http://127.0.0.1:9', token: 't', memberId: 'm', memberName: 'Ada', role: 'owner', local: false, lastOpenedAt: 0 });

async function ok<T>(handlers: HostHandlers, channel: string, req: unknown): Promise<T> {
  const reply = await dispatchHostCall(handlers, channel, req);
  if (reply.kind !== 'ok') throw new Error(reply.message);
  return reply.value as T;
}

// 20 MB of base64 that is a real PNG's start followed by filler bytes: what matters is the size and that it decodes.
const image = `iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJ${'QUJD'.repeat(5 * 1024 * 1024)}`;
const log = Array.from({ length: 3000 }, (_, i) => `epoch ${i} loss ${(1 / (i + 1)).toFixed(5)}\n`).join('');
const notebook = JSON.stringify({
  nbformat: 4, nbformat_minor: 5, metadata: {},
  cells: [
    { cell_type: 'markdown', id: 'intro', metadata: {}, source: '# Churn' },
    { cell_type: 'code', id: 'plot', metadata: {}, execution_count: 1, source: 'plot()', outputs: [{ output_type: 'display_data', metadata: {}, data: { 'image/png': image, 'text/plain': '<Figure>', 'text/html': '<b>alt</b>' } }] },
    { cell_type: 'code', id: 'train', metadata: {}, execution_count: 2, source: 'train()', outputs: [{ output_type: 'stream', name: 'stdout', text: log }] },
    { cell_type: 'code', id: 'table', metadata: {}, execution_count: 3, source: 'df', outputs: [{ output_type: 'execute_result', execution_count: 3, metadata: {}, data: { 'text/html': '<table><tr><td>1</td></tr></table>', 'text/plain': 'df' } }] },
  ],
});

describe('notebooks through the host', () => {
  let sha = '';
  let fingerprints: string[] = [];

  it('answers an open with the light form: small, without the 20 MB image, the table inline', async () => {
    const handlers = host();
    const stored = await ok<{ sha256: string; uploadError: string | null }>(handlers, 'notebooks.store', { workspaceId: 'ws1', fileName: 'churn.ipynb', data: new TextEncoder().encode(notebook) });
    expect(stored.uploadError).toContain('server unreachable');
    sha = stored.sha256;
    const reply = await ok<{ notebook: Notebook }>(handlers, 'notebooks.index', { workspaceId: 'ws1', sha256: sha, name: 'churn v1' });
    const wire = encodeWire({ id: 1, reply: { kind: 'ok', value: reply } });
    expect(typeof wire).toBe('string'); // no bytes at all in it
    expect((wire as string).length).toBeLessThan(4000);
    expect(wire as string).not.toContain('QUJDQUJD');
    const outputs = reply.notebook.cells.map((c) => c.outputs.map((o) => o.kind));
    expect(outputs).toEqual([[], ['deferred'], ['deferred'], ['display']]);
    expect(reply.notebook.cells[1]!.outputs[0]).toMatchObject({ of: 'display', mimes: ['image/png', 'text/html', 'text/plain'], chars: image.length + '<Figure>'.length + '<b>alt</b>'.length });
    expect(reply.notebook.cells[2]!.outputs[0]).toMatchObject({ of: 'stream', mimes: ['stdout'], lines: 3001 });
    fingerprints = reply.notebook.cells.slice(1, 3).map((c) => (c.outputs[0] as { fingerprint: string }).fingerprint);
  });

  it('sends a large output by fingerprint: the image as its bytes, the log as text', async () => {
    const handlers = host(); // a host started afresh: it reads the file back from the cache
    const plot = await ok<NotebookOutputReply>(handlers, 'notebooks.output', { workspaceId: 'ws1', sha256: sha, fingerprint: fingerprints[0] });
    expect(plot.image!.mime).toBe('image/png');
    expect(Buffer.from(plot.image!.data).equals(Buffer.from(image, 'base64'))).toBe(true);
    expect(plot.image!.base64Chars).toBe(image.length);
    // Of the rest of the bundle only the text alternative travels with it.
    expect(plot.output).toEqual({ kind: 'display', data: { 'text/plain': '<Figure>' }, executionCount: null, result: false });
    // On the web host's socket the bytes are raw, not base64 in JSON.
    const frame = encodeWire({ id: 2, reply: { kind: 'ok', value: plot } });
    expect(frame).toBeInstanceOf(Uint8Array);
    expect((frame as Uint8Array).length).toBeLessThan(plot.image!.data.length + 1000);
    const train = await ok<NotebookOutputReply>(handlers, 'notebooks.output', { workspaceId: 'ws1', sha256: sha, fingerprint: fingerprints[1] });
    expect(train).toEqual({ output: { kind: 'stream', name: 'stdout', text: log }, image: null });
  });

  it('refuses what it cannot answer, saying what', async () => {
    const handlers = host();
    const unknown = await dispatchHostCall(handlers, 'notebooks.output', { workspaceId: 'ws1', sha256: sha, fingerprint: 'f'.repeat(64), name: 'churn v1' });
    expect(unknown).toEqual({ kind: 'error', message: `churn v1 has no output ffffffffffff… (is it another version's?)` });
    expect(await dispatchHostCall(handlers, 'notebooks.output', { workspaceId: 'ws1', sha256: sha, fingerprint: '../etc' })).toMatchObject({ kind: 'error', message: expect.stringContaining('fingerprint: expected a sha256 hex digest') });
    expect(await dispatchHostCall(handlers, 'notebooks.index', { workspaceId: 'elsewhere', sha256: sha })).toMatchObject({ kind: 'error', message: expect.stringContaining('workspace elsewhere is not on this machine') });
    // A file that is not in the cache and whose server is unreachable.
    expect(await dispatchHostCall(handlers, 'notebooks.index', { workspaceId: 'ws1', sha256: 'a'.repeat(64) })).toMatchObject({ kind: 'error', message: expect.stringContaining('server is unreachable') });
  });

  it('names a broken file when it is opened (one that reached the cache another way)', async () => {
    const handlers = host();
    const broken = new TextEncoder().encode('{"nbformat": 4, "cells": [');
    const { createHash } = await import('node:crypto');
    const brokenSha = createHash('sha256').update(broken).digest('hex');
    cache.putBlob(brokenSha, broken);
    expect(await dispatchHostCall(handlers, 'notebooks.index', { workspaceId: 'ws1', sha256: brokenSha, name: 'broken v2' })).toMatchObject({ kind: 'error', message: expect.stringMatching(/^broken v2, line 1, column \d+: not valid JSON/) });
  });
});
