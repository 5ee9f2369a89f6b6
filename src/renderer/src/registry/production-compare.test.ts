import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { aliasContext, createModel, moveAlias, registerModelVersion, upsertMember, upsertRunSummary } from '../../../core/workspace';
import { productionComparison } from './production-compare';

describe('productionComparison', () => {
  it('links a version to the compare page with the production version\'s run as the baseline, and nothing else', () => {
    const doc = new Y.Doc();
    let n = 0;
    const ctx = { actor: { id: 'm_own', name: 'Olga' }, now: () => 1_700_000_000_000 + n, newId: () => `id${++n}` };
    upsertMember(doc, { id: 'm_own', name: 'Olga', role: 'owner', joinedAt: 1 });
    const run = (name: string) => upsertRunSummary(doc, { name, experiment: 'e', status: 'finished', startedAt: 1, source: `api:${name}`, params: {}, metrics: {} }, ctx).record;
    const [r1, r2] = [run('r1'), run('r2')];
    const model = createModel(doc, { name: 'churn' }, ctx);
    const v1 = registerModelVersion(doc, { modelId: model.id, runId: r1.id }, ctx);
    const v2 = registerModelVersion(doc, { modelId: model.id, runId: r2.id }, ctx);
    const v3 = registerModelVersion(doc, { modelId: model.id }, ctx);
    expect(productionComparison(doc, 'ws1', v2)).toBeNull(); // no production yet
    moveAlias(doc, { modelId: model.id, alias: 'production', versionId: v1.id, overrideReason: 'first deploy' }, aliasContext(doc, ctx));
    expect(productionComparison(doc, 'ws1', v2)).toEqual({ production: v1, href: `#/w/ws1/compare?runs=${r1.id}%2C${r2.id}&baseline=${r1.id}` });
    expect(productionComparison(doc, 'ws1', v1)).toBeNull(); // it is production
    expect(productionComparison(doc, 'ws1', v3)).toBeNull(); // no run to compare
  });
});
