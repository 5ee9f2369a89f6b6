import { describe, expect, it } from 'vitest';
import { serverApi } from '../../src/shared/server-api.ts';
import { matchRoute } from './router.ts';

const operationsOf = (path: string) => {
  const found = matchRoute(path);
  return found ? Object.fromEntries(found.route.operations) : null;
};

describe('matchRoute', () => {
  it('prefers a literal segment over a parameter (deliveries is not a webhook id)', () => {
    expect(operationsOf('/api/v1/workspaces/ws_a/webhooks/deliveries')).toEqual({ GET: 'webhooks.deliveries' });
    expect(operationsOf('/api/v1/workspaces/ws_a/webhooks/wh_1')).toEqual({ DELETE: 'webhooks.delete' });
    expect(operationsOf('/api/v1/workspaces/ws_a/webhooks')).toEqual({ GET: 'webhooks.list', POST: 'webhooks.create' });
  });

  it('checks each parameter against its pattern, after percent-decoding', () => {
    expect(matchRoute('/api/v1/workspaces/ws_a/blobs/' + 'a'.repeat(64))?.params).toEqual({ workspaceId: 'ws_a', sha256: 'a'.repeat(64) });
    expect(matchRoute('/api/v1/workspaces/ws_a/blobs/' + 'A'.repeat(64))).toBeNull();
    expect(matchRoute('/api/v1/workspaces/ws_a/history/12x')).toBeNull();
    expect(matchRoute('/api/v1/workspaces/ws_a/docs/ws_a%3Anote%3An1/state-vector')?.params.docName).toBe('ws_a:note:n1');
    expect(matchRoute('/api/v1/workspaces/ws_a/docs/%E0%A4%A/state-vector')).toBeNull();
    expect(matchRoute('/api/v1/workspaces/ws%2Fa/history')).toBeNull();
    expect(matchRoute(`/api/v1/workspaces/ws_a/uploads/${'a'.repeat(64)}/4096`)?.params.offset).toBe('4096');
    expect(matchRoute(`/api/v1/workspaces/ws_a/uploads/${'a'.repeat(64)}/-1`)).toBeNull();
    expect(matchRoute(`/api/v1/workspaces/ws_a/uploads/${'a'.repeat(64)}/1e3`)).toBeNull();
  });

  it('finds every operation of the map at its own path, and nothing else', () => {
    const sample: Record<string, string> = { workspaceId: 'ws_a', sha256: 'b'.repeat(64), snapshotId: '3', docName: 'ws_a', monitorId: 'mon_1', webhookId: 'wh_1', incidentId: 'inc_1', offset: '0' };
    for (const [name, op] of Object.entries(serverApi)) {
      const path = op.path.replace(/:(\w+)/g, (_, p: string) => sample[p]!);
      expect(operationsOf(path)?.[op.method], name).toBe(name);
    }
    expect(matchRoute('/api/v1/workspaces/ws_a/secrets')).toBeNull();
    expect(matchRoute('/healthz')).toBeNull();
  });
});
