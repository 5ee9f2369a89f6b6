import { describe, expect, it } from 'vitest';
import { deepLinkFromHash, entityLocation, hashFromDeepLink, hashOf, parseDeepLink } from './deep-link.ts';

describe('deep links', () => {
  it('map hash routes to driftdesk:// links and back', () => {
    const cases: [string, string][] = [
      ['#/w/ws_1/incidents/3f2a-9c', 'driftdesk://workspace/ws_1/incidents/3f2a-9c'],
      ['#/w/ws_1/notes', 'driftdesk://workspace/ws_1/notes'],
      ['#/w/ws_1', 'driftdesk://workspace/ws_1'],
      ['#/w/ws_1/runs/run%201%2F2', 'driftdesk://workspace/ws_1/runs/run%201%2F2'],
      ['#/w/ws_1/incidents?view=board&q=income+drift', 'driftdesk://workspace/ws_1/incidents?view=board&q=income+drift'],
      ['#/w/ws_1/models/m_1', 'driftdesk://workspace/ws_1/models/m_1'],
      ['#/w/ws_1/model-versions/v_3', 'driftdesk://workspace/ws_1/model-versions/v_3'],
      ['#/w/ws_1/handoffs/h_9', 'driftdesk://workspace/ws_1/handoffs/h_9'],
    ];
    for (const [hash, link] of cases) {
      expect(deepLinkFromHash(hash)).toBe(link);
      expect(hashFromDeepLink(link)).toBe(hash);
    }
    expect(parseDeepLink('driftdesk://workspace/ws_1/runs/run%201%2F2')).toEqual({ workspaceId: 'ws_1', section: 'runs', itemId: 'run 1/2' });
    expect(parseDeepLink('driftdesk://workspace/ws_1/incidents/?view=board')).toEqual({ workspaceId: 'ws_1', section: 'incidents', query: 'view=board' });
  });

  it('accepts what people paste: spaces around, a trailing slash, any case of the scheme', () => {
    expect(hashFromDeepLink('  DriftDesk://workspace/ws_1/incidents/abc/ \n')).toBe('#/w/ws_1/incidents/abc');
    expect(deepLinkFromHash('/w/ws_1/members')).toBe('driftdesk://workspace/ws_1/members');
  });

  it('gives null for anything else, and never throws', () => {
    const bad = [
      '', 'driftdesk://', 'driftdesk://workspace/', 'driftdesk://join?server=x&token=y', 'https://workspace/ws/incidents',
      'driftdesk://workspace/ws/unknown-section', 'driftdesk://workspace/ws/incidents/a/b', 'driftdesk://workspace/w s/incidents',
      'driftdesk://workspace/ws/incidents/%E0%A4%A', 'driftdesk://workspace/ws/incidents/%00', 'driftdesk://workspace/../incidents',
      'driftdesk://workspace/ws//x', `driftdesk://workspace/${'a'.repeat(129)}`, 'javascript:alert(1)', 'driftdesk://workspace/ws/incidents/x\ny',
      'driftdesk://workspace/ws/incidents?a=1?b=2', 'driftdesk://workspace/ws/incidents?q=<script>', 'driftdesk://workspace/ws/incidents?q=%E0%A4%A',
      'driftdesk://workspace/ws/incidents?q=a#b',
    ];
    for (const text of bad) expect(hashFromDeepLink(text), text).toBeNull();
    for (const hash of ['', '#/', '#/w/', '#/settings', '#/w/ws/%ZZ', '#/w/ws/nope/1']) expect(deepLinkFromHash(hash), hash).toBeNull();
    for (let i = 0; i < 500; i++) {
      const junk = Array.from({ length: 1 + (i % 40) }, (_, j) => String.fromCharCode((i * 131 + j * 17) % 0x2fff)).join('');
      expect(() => hashFromDeepLink(`driftdesk://workspace/${junk}`)).not.toThrow();
      expect(() => deepLinkFromHash(`#/w/${junk}`)).not.toThrow();
    }
  });

  it('names the page of a search result', () => {
    expect(hashOf(entityLocation('ws_1', 'datasetVersion', 'v1'))).toBe('#/w/ws_1/datasets/v1');
    expect(hashOf(entityLocation('ws_1', 'note', 'n 1'))).toBe('#/w/ws_1/notes/n%201');
    expect(hashOf(entityLocation('ws_1', 'notebook', 'nb1'))).toBe('#/w/ws_1/notebooks/nb1');
  });

  it('cites a notebook cell: a link that opens the notebook at that cell of that version', () => {
    const link = deepLinkFromHash('#/w/ws_1/notebooks/nb1?v=2&cell=14');
    expect(link).toBe('driftdesk://workspace/ws_1/notebooks/nb1?v=2&cell=14');
    expect(hashFromDeepLink(link!)).toBe('#/w/ws_1/notebooks/nb1?v=2&cell=14');
  });
});
