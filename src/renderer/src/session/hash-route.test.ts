import { describe, expect, it } from 'vitest';
import { isPlainIncidentsList, parseHashQuery, parseHashRoute } from './hash-route';

describe('hash routes', () => {
  it('reads the route and its query, decoding each part and keeping a broken escape as written', () => {
    expect(parseHashRoute('#/w/ws%201/incidents/i1?view=board')).toEqual(['w', 'ws 1', 'incidents', 'i1']);
    expect(parseHashRoute('#/w/%E0/runs')).toEqual(['w', '%E0', 'runs']);
    expect(parseHashRoute('')).toEqual([]);
    expect(parseHashQuery('#/w/ws/runs?q=lr%3E1&group=experiment').get('q')).toBe('lr>1');
  });

  it('knows the plain incidents list, the screen a workspace opens on', () => {
    for (const hash of ['#/w/ws', '#/w/ws/', '#/w/ws/incidents', '#w/ws/incidents']) expect(isPlainIncidentsList(hash), hash).toBe(true);
    for (const hash of ['#/', '#/w/ws/incidents/i1', '#/w/ws/incidents?view=board', '#/w/ws/runs', '#/x/ws']) expect(isPlainIncidentsList(hash), hash).toBe(false);
  });
});
