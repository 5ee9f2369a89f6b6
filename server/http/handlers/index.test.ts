import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { serverApi } from '../../../src/shared/server-api.ts';
import { MonitorEngine } from '../../monitor-engine.ts';
import { ServerStore } from '../../store.ts';
import { WebhookSender } from '../../webhooks.ts';
import { createHandlers } from './index.ts';

let dir: string;
let store: ServerStore;
let engine: MonitorEngine;
let webhooks: WebhookSender;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'driftdesk-handlers-'));
  store = new ServerStore(dir);
  engine = new MonitorEngine(join(dir, 'tmp'));
  webhooks = new WebhookSender(store, {});
});
afterEach(async () => {
  webhooks.close();
  await engine.close();
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the HTTP API handler table', () => {
  it('has exactly one handler for each operation of server-api.ts', () => {
    const notCalled = async (): Promise<never> => { throw new Error('not called: only the table is read'); };
    const handlers = createHandlers({ store, withRoom: notCalled, engine, webhooks, allowPrivateWebhooks: false, maxUploadBytes: 1024, timeline: { append: notCalled, event: notCalled } });
    const moved = Object.keys(handlers);
    for (const name of moved) expect(typeof handlers[name as keyof typeof handlers], name).toBe('function');
    expect(moved.sort()).toEqual(Object.keys(serverApi).sort());
  });

  it('lists each method and path once', () => {
    const routes = Object.values(serverApi).map((op) => `${op.method} ${op.path}`);
    expect(new Set(routes).size).toBe(routes.length);
  });
});
