import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createIncident } from '../../../core/workspace';
import { itemName, pageTitle } from './page-title';

describe('pageTitle', () => {
  it('names the page, its item, the workspace and the unread count', () => {
    expect(pageTitle({ section: 'inbox', workspace: 'Churn', unread: 3 })).toBe('(3) Inbox · Churn — Driftdesk');
    expect(pageTitle({ section: 'incidents', item: 'PSI on age', workspace: 'Churn', unread: 0 })).toBe('PSI on age · Incidents · Churn — Driftdesk');
    expect(pageTitle({ section: 'nonsense', workspace: 'Churn', unread: 0 })).toBe('Incidents · Churn — Driftdesk');
  });

  it('reads an incident\'s title from the doc, and nothing for an unknown id', () => {
    const doc = new Y.Doc();
    const incident = createIncident(doc, { title: 'PSI on age', severity: 'high' }, { actor: { id: 'm', name: 'Ada' }, now: () => 1, newId: () => 'i1' });
    expect(itemName(doc, 'incidents', incident.id)).toBe('PSI on age');
    expect(itemName(doc, 'incidents', 'nope')).toBeUndefined();
  });
});
