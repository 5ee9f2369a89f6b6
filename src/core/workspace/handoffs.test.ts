import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { type HandoffFacts, handoffFacts } from '../handoff/index.ts';
import { upsertMember } from './commands.ts';
import { addDatasetVersion } from './datasets.ts';
import {
  aliasContext,
  checkHandoffItem,
  decideHandoff,
  getHandoffState,
  handoffActions,
  registryAudit,
  requestHandoff,
  waitingFor,
} from './handoffs.ts';
import { createModel, currentAliases, moveAlias, registerModelVersion, setTeamRole } from './models.ts';
import { upsertRunSummary } from './runs.ts';
import type { TeamRole } from './schema.ts';

function setup() {
  const doc = new Y.Doc();
  let t = 1_700_000_000_000;
  let n = 0;
  const clock = { now: () => (t += 1000), newId: () => `id${++n}` };
  const as = (id: string, name: string) => ({ actor: { id, name }, ...clock });
  const people = { owner: as('m_own', 'Olga'), ds: as('m_ds', 'Dana'), mle: as('m_mle', 'Mo'), ops: as('m_ops', 'Oz'), viewer: as('m_v', 'Vic') };
  upsertMember(doc, { id: 'm_own', name: 'Olga', role: 'owner', joinedAt: 1 });
  for (const [id, name] of [['m_ds', 'Dana'], ['m_mle', 'Mo'], ['m_ops', 'Oz']] as const) upsertMember(doc, { id, name, role: 'editor', joinedAt: 1 });
  upsertMember(doc, { id: 'm_v', name: 'Vic', role: 'viewer', joinedAt: 1 });
  const roles: [string, TeamRole][] = [['m_ds', 'data-scientist'], ['m_mle', 'ml-engineer'], ['m_ops', 'ops']];
  for (const [memberId, teamRole] of roles) setTeamRole(doc, { memberId, teamRole }, people.owner);
  const run = upsertRunSummary(doc, { name: 'rf-1', experiment: 'churn', status: 'finished', startedAt: 1, source: 'api:rf-1', params: {}, metrics: { auc: 0.91 } }, clock).record;
  const model = createModel(doc, { name: 'churn' }, people.ds);
  const version = registerModelVersion(doc, { modelId: model.id, runId: run.id }, people.ds);
  return { doc, people, model, version };
}

const good: HandoffFacts = {
  metrics: ['auc'],
  dataVersions: [{ name: 'train', hash: 'a'.repeat(64), kind: 'driftdesk' }],
  environment: [{ kind: 'pip', path: 'requirements.txt', text: 'scikit-learn==1.5.2\n' }],
  driftBaselineId: 'dv1',
  reproScore: 85,
};

describe('handoff from data science to ML engineering to ops', () => {
  it('walks the whole way, and only an accepted handoff to ops moves production', () => {
    const { doc, people, model, version } = setup();
    const toMle = requestHandoff(doc, { versionId: version.id, stage: 'to-ml-engineering', message: 'ready for you', extraItems: ['Feature list agreed'] }, good, people.ds);
    expect(toMle).toMatchObject({ fromRole: 'data-scientist', toRole: 'ml-engineer' });
    expect(toMle.checklist.filter((i) => i.kind === 'automatic').every((i) => i.passed)).toBe(true);
    expect(toMle.checklist.map((i) => i.id)).toContain('custom-1');
    expect(waitingFor(doc, 'm_mle').map((s) => s.handoff.id)).toEqual([toMle.id]);
    expect(waitingFor(doc, 'm_ds')).toEqual([]);

    // Not before the manual items are ticked; and the data scientist cannot accept their own.
    const actions = handoffActions(doc, getHandoffState(doc, toMle.id)!, 'm_mle');
    expect(actions.accept).toMatch(/not yet: Evaluation on held-out data reviewed; Model card written.*; Feature list agreed/);
    expect(handoffActions(doc, getHandoffState(doc, toMle.id)!, 'm_ds').accept).toBe('waiting for an ML engineer');
    for (const item of ['evaluation-reviewed', 'model-card', 'custom-1']) checkHandoffItem(doc, { handoffId: toMle.id, itemId: item, checked: true }, people.ds);
    expect(decideHandoff(doc, { handoffId: toMle.id, action: 'accept', comment: 'taking it' }, people.mle).status).toBe('accepted');
    expect(waitingFor(doc, 'm_mle')).toEqual([]);

    const toOps = requestHandoff(doc, { versionId: version.id, stage: 'to-ops' }, good, people.mle);
    for (const item of ['load-tested', 'rollback-plan', 'runbook']) checkHandoffItem(doc, { handoffId: toOps.id, itemId: item, checked: true }, people.ops);
    // Production cannot move yet (pending), not with the first-stage handoff, and not by an editor's override.
    const move = (ctx: typeof people.ops, extra: object) => moveAlias(doc, { modelId: model.id, alias: 'production', versionId: version.id, ...extra }, aliasContext(doc, ctx));
    expect(() => move(people.ops, { handoffId: toOps.id })).toThrow(/needs an accepted handoff to ops/);
    expect(() => move(people.ops, { handoffId: toMle.id })).toThrow(/needs an accepted handoff/);
    expect(() => move(people.ops, { overrideReason: 'hotfix' })).toThrow(/only owners can override/);
    decideHandoff(doc, { handoffId: toOps.id, action: 'accept' }, people.ops);
    const moved = move(people.ops, { handoffId: toOps.id });
    expect(moved).toMatchObject({ alias: 'production', versionId: version.id, handoffId: toOps.id });
    expect(currentAliases(doc, model.id).get('production')?.versionId).toBe(version.id);

    const trail = registryAudit(doc, model.id).map((e) => (e.kind === 'handoff-event' ? `${e.kind}:${e.event.kind === 'decision' ? e.event.decision : e.event.itemId}` : e.kind));
    expect(trail[0]).toBe('version');
    expect(trail.filter((k) => k.startsWith('handoff-event:accepted'))).toHaveLength(2);
    expect(trail.at(-1)).toBe('alias');
  });

  it('sends a request back for changes, takes a resubmission with a fresh checklist, and needs reasons', () => {
    const { doc, people, version } = setup();
    const weak = { ...good, environment: [], reproScore: 40 };
    const h = requestHandoff(doc, { versionId: version.id, stage: 'to-ml-engineering' }, weak, people.ds);
    expect(h.checklist.filter((i) => i.kind === 'automatic' && !i.passed).map((i) => i.id)).toEqual(['environment-captured', 'repro-score']);
    expect(() => decideHandoff(doc, { handoffId: h.id, action: 'request-changes' }, people.mle)).toThrow(/say why/);
    checkHandoffItem(doc, { handoffId: h.id, itemId: 'model-card', checked: true }, people.ds);
    decideHandoff(doc, { handoffId: h.id, action: 'request-changes', comment: 'capture the environment' }, people.mle);
    expect(waitingFor(doc, 'm_ds').map((s) => s.status)).toEqual(['changes-requested']);
    expect(() => decideHandoff(doc, { handoffId: h.id, action: 'accept' }, people.mle)).toThrow(/a handoff sent back for changes cannot be accepted/);
    expect(() => decideHandoff(doc, { handoffId: h.id, action: 'resubmit' }, people.mle)).toThrow(/only the data scientist who asked/);
    const again = decideHandoff(doc, { handoffId: h.id, action: 'resubmit', comment: 'done' }, people.ds, good);
    expect(again.status).toBe('pending');
    expect(again.checklist.filter((i) => i.kind === 'automatic').every((i) => i.passed)).toBe(true);
    expect(again.checks.size).toBe(0); // ticks start over
    expect(() => requestHandoff(doc, { versionId: version.id, stage: 'to-ml-engineering' }, good, people.ds)).toThrow(/already has an open handoff/);
    decideHandoff(doc, { handoffId: h.id, action: 'reject', comment: 'superseded by v2' }, people.mle);
    expect(getHandoffState(doc, h.id)!.status).toBe('rejected');
    expect(() => checkHandoffItem(doc, { handoffId: h.id, itemId: 'model-card', checked: true }, people.ds)).toThrow(/rejected/);
  });

  it('refuses the wrong role, a skipped stage, viewers, and automatic items ticked by hand', () => {
    const { doc, people, version } = setup();
    expect(() => requestHandoff(doc, { versionId: version.id, stage: 'to-ml-engineering' }, good, people.mle)).toThrow(/only a data scientist/);
    expect(() => requestHandoff(doc, { versionId: version.id, stage: 'to-ops' }, good, people.mle)).toThrow(/hand it to ML engineering first/);
    expect(() => requestHandoff(doc, { versionId: version.id, stage: 'to-ml-engineering' }, good, people.viewer)).toThrow(/owners and editors/);
    expect(() => requestHandoff(doc, { versionId: 'nope', stage: 'to-ml-engineering' }, good, people.ds)).toThrow(/no model version nope/);
    const h = requestHandoff(doc, { versionId: version.id, stage: 'to-ml-engineering' }, good, people.ds);
    expect(() => checkHandoffItem(doc, { handoffId: h.id, itemId: 'repro-score', checked: true }, people.ds)).toThrow(/evaluated, not ticked/);
    expect(() => checkHandoffItem(doc, { handoffId: h.id, itemId: 'model-card', checked: true }, people.ops)).toThrow(/can tick items/);
    expect(() => setTeamRole(doc, { memberId: 'm_ops', teamRole: 'ml-engineer' }, people.ds)).toThrow(/only owners/);
  });

  it('converges on one outcome when an accept and a reject are made at once on two replicas', () => {
    const { doc, people, version } = setup();
    const h = requestHandoff(doc, { versionId: version.id, stage: 'to-ml-engineering' }, good, people.ds);
    for (const item of ['evaluation-reviewed', 'model-card']) checkHandoffItem(doc, { handoffId: h.id, itemId: item, checked: true }, people.ds);
    const other = new Y.Doc();
    Y.applyUpdate(other, Y.encodeStateAsUpdate(doc));
    decideHandoff(doc, { handoffId: h.id, action: 'accept' }, people.mle);
    decideHandoff(other, { handoffId: h.id, action: 'reject', comment: 'no' }, { ...people.mle, actor: { id: 'm_mle', name: 'Mo (laptop)' } });
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(other));
    Y.applyUpdate(other, Y.encodeStateAsUpdate(doc));
    const [a, b] = [getHandoffState(doc, h.id)!, getHandoffState(other, h.id)!];
    expect(a.status).toBe(b.status);
    expect(['accepted', 'rejected']).toContain(a.status);
    expect(a.decisions).toHaveLength(2); // the loser stays in the trail
  });

  it('voids an accept that a concurrent untick, ordered first, leaves with an unmet item — on both replicas', () => {
    const { doc, people, version } = setup();
    const h = requestHandoff(doc, { versionId: version.id, stage: 'to-ml-engineering' }, good, people.ds);
    for (const item of ['evaluation-reviewed', 'model-card']) checkHandoffItem(doc, { handoffId: h.id, itemId: item, checked: true }, people.ds);
    const other = new Y.Doc();
    Y.applyUpdate(other, Y.encodeStateAsUpdate(doc));
    // Same seq on both; the untick's earlier clock orders it first.
    checkHandoffItem(other, { handoffId: h.id, itemId: 'model-card', checked: false }, { ...people.ds, now: () => 1 });
    decideHandoff(doc, { handoffId: h.id, action: 'accept' }, people.mle);
    expect(getHandoffState(doc, h.id)!.status).toBe('accepted'); // as far as this replica knew
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(other));
    Y.applyUpdate(other, Y.encodeStateAsUpdate(doc));
    for (const d of [doc, other]) {
      const state = getHandoffState(d, h.id)!;
      expect(state.status).toBe('pending');
      expect(state.decisions.map((e) => e.decision)).toEqual(['accepted']); // still in the trail
    }
  });

  it('starts the ticks over at a resubmission, including a tick made concurrently elsewhere', () => {
    const { doc, people, version } = setup();
    const h = requestHandoff(doc, { versionId: version.id, stage: 'to-ml-engineering' }, good, people.ds);
    decideHandoff(doc, { handoffId: h.id, action: 'request-changes', comment: 'add the model card' }, people.mle);
    const other = new Y.Doc();
    Y.applyUpdate(other, Y.encodeStateAsUpdate(doc));
    checkHandoffItem(other, { handoffId: h.id, itemId: 'model-card', checked: true }, { ...people.mle, now: () => 1 });
    decideHandoff(doc, { handoffId: h.id, action: 'resubmit' }, people.ds, good);
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(other));
    Y.applyUpdate(other, Y.encodeStateAsUpdate(doc));
    for (const d of [doc, other]) expect(getHandoffState(d, h.id)!).toMatchObject({ status: 'pending', checks: new Map() });
  });

  it('ignores a production move written around the command: no accepted handoff, or an override by a non-owner', () => {
    const { doc, model, version } = setup();
    const forged = (id: string, extra: object) => doc.getMap('aliasEvents').set(id, { id, modelId: model.id, alias: 'production', versionId: version.id, byId: 'm_ops', byName: 'Oz', at: 5, seq: 1, ...extra });
    forged('f1', {});
    forged('f2', { override: { reason: 'trust me' } });
    forged('f3', { handoffId: 'nope' });
    expect(currentAliases(doc, model.id).has('production')).toBe(false);
    // An unprotected alias written the same way counts: only production is guarded.
    doc.getMap('aliasEvents').set('f4', { id: 'f4', modelId: model.id, alias: 'champion', versionId: version.id, byId: 'm_ops', byName: 'Oz', at: 5, seq: 1 });
    expect([...currentAliases(doc, model.id).keys()]).toEqual(['champion']);
  });

  it('lets an owner override production with a recorded reason, and computes facts from a run detail', () => {
    const { doc, people, model, version } = setup();
    const ev = moveAlias(doc, { modelId: model.id, alias: 'production', versionId: version.id, overrideReason: 'incident 42 rollback' }, aliasContext(doc, people.owner));
    expect(ev.override).toEqual({ reason: 'incident 42 rollback' });
    // Unprotected aliases move freely; removing one clears it.
    moveAlias(doc, { modelId: model.id, alias: 'champion', versionId: version.id }, aliasContext(doc, people.ds));
    moveAlias(doc, { modelId: model.id, alias: 'champion', versionId: null }, aliasContext(doc, people.ds));
    expect([...currentAliases(doc, model.id).keys()]).toEqual(['production']);
    expect(handoffFacts(null, undefined, null)).toEqual({ metrics: [], dataVersions: null, environment: [], driftBaselineId: undefined, reproScore: null });
  });

  it('records a drift baseline that must be a dataset version of this workspace', () => {
    const { doc, people, model } = setup();
    const dv = addDatasetVersion(doc, { dataset: 'churn', fileName: 'train.csv', format: 'csv', md5: 'b'.repeat(32), size: 1, rows: 1, columns: 1, profileBlob: 'c'.repeat(64) }, people.ds);
    expect(registerModelVersion(doc, { modelId: model.id, baselineDatasetVersionId: dv.id }, people.ds)).toMatchObject({ version: 2, baselineDatasetVersionId: dv.id });
    expect(() => registerModelVersion(doc, { modelId: model.id, baselineDatasetVersionId: 'nope', runId: 'nope' }, people.ds)).toThrow(/runId: no run nope; baselineDatasetVersionId: no dataset version nope/);
    expect(() => createModel(doc, { name: 'CHURN' }, people.ds)).toThrow(/a model named CHURN exists/);
    expect(() => createModel(doc, { name: '../etc' }, people.ds)).toThrow(/name/);
  });
});
