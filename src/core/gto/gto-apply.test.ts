import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { upsertMember } from '../workspace/commands.ts';
import { aliasHistory, currentAliases, findModelByName, listModelVersions, moveAlias } from '../workspace/models.ts';
import { GtoImportError, planFromTags } from './gto-plan.ts';
import { applyGtoPlan, protectedMovesOf } from './gto-apply.ts';

const day = (n: number) => Date.UTC(2024, 0, n);

function workspace() {
  const doc = new Y.Doc();
  upsertMember(doc, { id: 'm_own', name: 'Olga', role: 'owner', joinedAt: 1 });
  upsertMember(doc, { id: 'm_ed', name: 'Eddie', role: 'editor', joinedAt: 1 });
  let n = 0;
  const as = (id: string, name: string) => ({ actor: { id, name }, now: () => day(30), newId: () => `id${++n}` });
  return { doc, owner: as('m_own', 'Olga'), editor: as('m_ed', 'Eddie') };
}

const tags = [
  { tag: 'churn@v1.0.0', at: day(1), commit: 'c1' },
  { tag: 'churn@v1.1.0', at: day(3), commit: 'c2' },
  { tag: 'churn#staging#1', at: day(4), commit: 'c2' },
  { tag: 'churn#prod#2', at: day(5), commit: 'c1' },
];

describe('applyGtoPlan', () => {
  it('creates the model, its versions with GTO’s times and labels, and the stages as aliases; a second run adds nothing', () => {
    const { doc, editor } = workspace();
    const first = applyGtoPlan(doc, planFromTags(tags), 'example-gto', editor);
    expect(first).toMatchObject({ models: { created: 1, existing: 0 }, versions: { created: 2, existing: 0 }, moves: { applied: 2, existing: 0 } });
    const model = findModelByName(doc, 'churn')!;
    expect(model.source).toBe('gto:example-gto');
    const versions = listModelVersions(doc, model.id);
    expect(versions.map((v) => [v.version, v.label, v.source, v.createdAt])).toEqual([
      [2, 'v1.1.0', 'gto:example-gto:churn@v1.1.0', day(3)],
      [1, 'v1.0.0', 'gto:example-gto:churn@v1.0.0', day(1)],
    ]);
    const aliases = currentAliases(doc, model.id);
    expect(aliases.get('staging')?.versionId).toBe(versions[0]!.id);
    expect(aliases.get('prod')?.versionId).toBe(versions[1]!.id);
    expect(aliases.get('prod')?.at).toBe(day(5));

    const again = applyGtoPlan(doc, planFromTags(tags), 'example-gto', editor);
    expect(again).toMatchObject({ models: { created: 0, existing: 1 }, versions: { created: 0, existing: 2 }, moves: { applied: 0, existing: 2 } });
    expect(listModelVersions(doc, model.id)).toHaveLength(2);
    expect(aliasHistory(doc, model.id)).toHaveLength(2);

    // A later promotion in git arrives on the next import; a move made in Driftdesk meanwhile is not undone.
    moveAlias(doc, { modelId: model.id, alias: 'champion', versionId: versions[0]!.id }, editor);
    const third = applyGtoPlan(doc, planFromTags([...tags, { tag: 'churn#prod#3', at: day(6), commit: 'c2' }]), 'example-gto', editor);
    expect(third.moves).toEqual({ applied: 1, existing: 2 });
    expect(currentAliases(doc, model.id).get('prod')?.versionId).toBe(versions[0]!.id);
    expect(currentAliases(doc, model.id).get('champion')?.versionId).toBe(versions[0]!.id);
  });

  it('a production stage needs an owner’s token; the owner’s import is recorded as an override naming the source', () => {
    const withProduction = [...tags, { tag: 'churn#production#3', at: day(6), commit: 'c2' }];
    const plan = planFromTags(withProduction);
    expect(protectedMovesOf(plan)).toEqual(['churn: production → v1.1.0 (churn#production#3)']);
    const { doc, editor } = workspace();
    expect(() => applyGtoPlan(doc, plan, 'example-gto', editor)).toThrow(GtoImportError);
    expect(() => applyGtoPlan(workspace().doc, plan, 'example-gto', editor)).toThrow(/churn#production#3: only owners can import production/);
    const fresh = workspace();
    applyGtoPlan(fresh.doc, plan, 'example-gto', fresh.owner);
    const event = currentAliases(fresh.doc, findModelByName(fresh.doc, 'churn')!.id).get('production')!;
    expect(event.override?.reason).toBe('imported from gto:example-gto:churn#production#3');
  });
});
