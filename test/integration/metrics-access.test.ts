/**
 * `/metrics` is not for everyone who can reach a team's server: without a metrics token it
 * answers this machine only (loopback); with one, any request that carries it. A real server on
 * a free port; the "elsewhere" case connects through this machine's own non-loopback address.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type SyncServer, startSyncServer } from '../../server/index.ts';

const TOKEN = 'metrics-token-for-the-test-0123';
const ROOT = resolve(import.meta.dirname, '../..');
let server: SyncServer | null = null;
let dir: string | null = null;

async function start(options: { host: string; metricsToken?: string }): Promise<SyncServer> {
  dir = mkdtempSync(join(tmpdir(), 'driftdesk-metrics-'));
  server = await startSyncServer({ ...options, port: 0, dataDir: dir, log: () => {} });
  return server;
}

afterEach(async () => {
  await server?.close();
  server = null;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = null;
});

/** An IPv4 address of this machine other than loopback, if it has one. */
const outside = Object.values(networkInterfaces()).flat().find((a) => a && a.family === 'IPv4' && !a.internal)?.address;

describe('/metrics', () => {
  it('answers loopback requests without a token', async () => {
    const { url } = await start({ host: '127.0.0.1' });
    const res = await fetch(`${url}/metrics`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('driftdesk_');
  });

  it('with a metrics token, answers only requests that carry it', async () => {
    const { url } = await start({ host: '127.0.0.1', metricsToken: TOKEN });
    const none = await fetch(`${url}/metrics`);
    expect(none.status).toBe(401);
    expect(await none.json()).toEqual({ error: expect.stringContaining('Authorization: Bearer') });
    expect((await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}x` } })).status).toBe(401);
    expect((await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${TOKEN.slice(0, -1)}` } })).status).toBe(401);
    const ok = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('driftdesk_');
  });

  it.skipIf(outside === undefined)('refuses a request from another address without a token, and takes one with it', async () => {
    const { url } = await start({ host: '0.0.0.0' });
    const port = new URL(url).port;
    const res = await fetch(`http://${outside}:${port}/metrics`);
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ error: expect.stringContaining('--metrics-token') });
    // The health check stays open: load balancers call it from anywhere.
    expect((await fetch(`http://${outside}:${port}/healthz`)).status).toBe(200);
    await server!.close();
    const withToken = await start({ host: '0.0.0.0', metricsToken: TOKEN });
    const port2 = new URL(withToken.url).port;
    expect((await fetch(`http://${outside}:${port2}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
  });
});

describe('driftdesk server --metrics-token', () => {
  const cli = (args: string[], env: Record<string, string> = {}) =>
    spawn(process.execPath, ['bin/driftdesk', 'server', ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });

  it('refuses a short token, and takes one from the environment', async () => {
    dir = mkdtempSync(join(tmpdir(), 'driftdesk-metrics-cli-'));
    const short = cli(['--port', '0', '--data', dir, '--metrics-token', 'short']);
    let err = '';
    short.stderr.on('data', (d: Buffer) => (err += d.toString()));
    expect(await new Promise((r) => short.on('exit', r))).toBe(2);
    expect(err).toContain('--metrics-token must be at least 16 characters');

    const child = cli(['--port', '0', '--data', dir], { DRIFTDESK_METRICS_TOKEN: TOKEN });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /listening on (http:\/\/\S+)/.exec(out);
          if (m) resolve(m[1]!);
        });
        child.on('exit', (code) => reject(new Error(`server exited ${code}: ${out}`)));
      });
      expect((await fetch(`${url}/metrics`)).status).toBe(401);
      expect((await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.on('exit', r));
    }
  });
});
