/**
 * Handoff commands over the workspace doc: request a handoff of a model version to the next role,
 * decide on it, tick its manual items; and the reads the UI needs ("waiting for me", a model's
 * audit trail). The rules themselves are in src/core/handoff (state machine, checklist).
 *
 * Team roles are checked here, in every client; the sync server enforces permission roles only
 * (commenters and viewers cannot write any of this), so an editor with a modified client could
 * skip a team-role check — every step is recorded under their name in the audit trail.
 */
import * as Y from 'yjs';
import { z } from 'zod';
import { DEFAULT_REPRO_THRESHOLD, type HandoffFacts, buildHandoffChecklist } from '../handoff/checklist.ts';
import { type HandoffAction, type HandoffState, actionBlocker, decisionOf, handoffState, isWaitingFor, withArticle } from '../handoff/state-machine.ts';
import { type CommandContext, CommandError, parseInput } from './command-context.ts';
import { aliasHistory, getModelVersion, listModelVersions, memberRole, teamRoleOf } from './models.ts';
import { parseRecord } from './queries.ts';
import {
  type AliasEventRecord,
  DOC_KEYS,
  type HandoffEvent,
  type HandoffRecord,
  type HandoffStage,
  type ModelVersionRecord,
  type TeamRole,
  handoffEventSchema,
  handoffSchema,
  handoffStageSchema,
} from './schema.ts';

/** Who hands to whom at each stage, and the alias an accepted handoff usually moves. */
export const HANDOFF_ROUTES: Readonly<Record<HandoffStage, { from: TeamRole; to: TeamRole; alias: string }>> = {
  'to-ml-engineering': { from: 'data-scientist', to: 'ml-engineer', alias: 'staging' },
  'to-ops': { from: 'ml-engineer', to: 'ops', alias: 'production' },
};

export function listHandoffs(doc: Y.Doc): HandoffRecord[] {
  return [...doc.getMap(DOC_KEYS.handoffs).values()].flatMap((v) => parseRecord(handoffSchema, v) ?? []).sort((a, b) => b.at - a.at);
}

function eventsOf(doc: Y.Doc, handoffId: string): HandoffEvent[] {
  return [...doc.getMap(DOC_KEYS.handoffEvents).values()].flatMap((v) => {
    const e = parseRecord(handoffEventSchema, v);
    return e && e.handoffId === handoffId ? [e] : [];
  });
}

export function getHandoffState(doc: Y.Doc, handoffId: string): HandoffState | undefined {
  const handoff = parseRecord(handoffSchema, doc.getMap(DOC_KEYS.handoffs).get(handoffId));
  return handoff ? handoffState(handoff, eventsOf(doc, handoffId)) : undefined;
}

/** Every handoff's state, newest request first (one pass over the events). */
export function listHandoffStates(doc: Y.Doc): HandoffState[] {
  const byHandoff = new Map<string, HandoffEvent[]>();
  for (const v of doc.getMap(DOC_KEYS.handoffEvents).values()) {
    const e = parseRecord(handoffEventSchema, v);
    if (e) byHandoff.set(e.handoffId, [...(byHandoff.get(e.handoffId) ?? []), e]);
  }
  return listHandoffs(doc).map((h) => handoffState(h, byHandoff.get(h.id) ?? []));
}

/** Whether `handoffId` is an accepted handoff to ops of `versionId` (what moving `production` needs). */
export function acceptedHandoffTo(doc: Y.Doc, handoffId: string, versionId: string): boolean {
  const state = getHandoffState(doc, handoffId);
  return state !== undefined && state.status === 'accepted' && state.handoff.stage === 'to-ops' && state.handoff.versionId === versionId;
}

/** The context `moveAlias` needs to check a protected alias against this doc's handoffs. */
export function aliasContext(doc: Y.Doc, ctx: CommandContext): CommandContext & { acceptedHandoffTo: (handoffId: string, versionId: string) => boolean } {
  return { ...ctx, acceptedHandoffTo: (handoffId, versionId) => acceptedHandoffTo(doc, handoffId, versionId) };
}

const requestInput = z.object({
  versionId: z.string().min(1).max(128),
  stage: handoffStageSchema,
  message: z.string().trim().max(20_000).default(''),
  /** Manual items the requester adds to the stage's own. */
  extraItems: z.array(z.string().trim().min(1).max(300)).max(20).default([]),
});
export type RequestHandoffInput = z.input<typeof requestInput>;

/**
 * Asks the next role to take a model version. The actor's team role must be the stage's `from`;
 * a handoff to ops needs the version's handoff to ML engineering accepted first; one open
 * request per version and stage. The checklist is evaluated from `facts` now.
 */
export function requestHandoff(doc: Y.Doc, input: RequestHandoffInput, facts: HandoffFacts, ctx: CommandContext, threshold = DEFAULT_REPRO_THRESHOLD): HandoffRecord {
  const data = parseInput('requestHandoff', requestInput, input);
  const version = getModelVersion(doc, data.versionId);
  const fail = (path: string, message: string): never => {
    throw new CommandError('requestHandoff', [{ path, message }]);
  };
  if (!version) fail('versionId', `no model version ${data.versionId}`);
  const route = HANDOFF_ROUTES[data.stage];
  const role = memberRole(doc, ctx.actor.id);
  if (role !== 'owner' && role !== 'editor') fail('', 'only owners and editors can request handoffs');
  if (teamRoleOf(doc, ctx.actor.id) !== route.from) fail('stage', `only ${withArticle(route.from)} can request this handoff (set team roles on the Members page)`);
  const states = listHandoffStates(doc).filter((s) => s.handoff.versionId === data.versionId);
  if (data.stage === 'to-ops' && !states.some((s) => s.handoff.stage === 'to-ml-engineering' && s.status === 'accepted')) {
    fail('stage', 'ML engineering has not accepted this version yet: hand it to ML engineering first');
  }
  if (states.some((s) => s.handoff.stage === data.stage && (s.status === 'pending' || s.status === 'changes-requested'))) {
    fail('versionId', 'this version already has an open handoff at this stage');
  }
  const record: HandoffRecord = {
    id: ctx.newId(),
    modelId: version!.modelId,
    versionId: version!.id,
    stage: data.stage,
    fromRole: route.from,
    toRole: route.to,
    message: data.message,
    checklist: buildHandoffChecklist(data.stage, facts, data.extraItems, threshold),
    requestedById: ctx.actor.id,
    requestedByName: ctx.actor.name,
    at: ctx.now(),
  };
  doc.getMap<HandoffRecord>(DOC_KEYS.handoffs).set(record.id, record);
  return record;
}

const decideInput = z.object({
  handoffId: z.string().min(1).max(128),
  action: z.enum(['accept', 'reject', 'request-changes', 'resubmit', 'withdraw']),
  comment: z.string().trim().max(20_000).default(''),
});
export type DecideHandoffInput = z.input<typeof decideInput>;

/**
 * Records a decision. Rejecting and asking for changes need a comment (the requester must learn
 * why); resubmitting re-evaluates the automatic items from `facts` and starts the ticks over.
 */
export function decideHandoff(doc: Y.Doc, input: DecideHandoffInput, ctx: CommandContext, facts?: HandoffFacts, threshold = DEFAULT_REPRO_THRESHOLD): HandoffState {
  const data = parseInput('decideHandoff', decideInput, input);
  const state = requireState(doc, 'decideHandoff', data.handoffId);
  const blocker = actionBlocker(state, actorOf(doc, ctx), data.action);
  if (blocker) throw new CommandError('decideHandoff', [{ path: 'action', message: blocker }]);
  if ((data.action === 'reject' || data.action === 'request-changes') && data.comment === '') {
    throw new CommandError('decideHandoff', [{ path: 'comment', message: `say why you ${data.action === 'reject' ? 'reject it' : 'ask for changes'}` }]);
  }
  if (data.action === 'resubmit' && !facts) throw new CommandError('decideHandoff', [{ path: 'facts', message: 'a resubmission re-evaluates the checklist: facts are required' }]);
  const extra = state.handoff.checklist.filter((i) => i.kind === 'manual' && i.id.startsWith('custom-')).map((i) => i.label);
  const event: HandoffEvent = {
    kind: 'decision',
    id: ctx.newId(),
    handoffId: data.handoffId,
    decision: decisionOf(data.action),
    comment: data.comment,
    byId: ctx.actor.id,
    byName: ctx.actor.name,
    at: ctx.now(),
    seq: state.nextSeq,
    ...(teamRoleOf(doc, ctx.actor.id) ? { byTeamRole: teamRoleOf(doc, ctx.actor.id)! } : {}),
    ...(data.action === 'resubmit' && facts ? { checklist: buildHandoffChecklist(state.handoff.stage, facts, extra, threshold) } : {}),
  };
  // A resubmission's ticks start over in the replay itself (handoffState), on every replica.
  doc.getMap<HandoffEvent>(DOC_KEYS.handoffEvents).set(event.id, event);
  return getHandoffState(doc, data.handoffId)!;
}

const checkInput = z.object({ handoffId: z.string().min(1).max(128), itemId: z.string().min(1).max(100), checked: z.boolean() });

/** Ticks (or unticks) a manual checklist item of an open handoff. */
export function checkHandoffItem(doc: Y.Doc, input: z.input<typeof checkInput>, ctx: CommandContext): HandoffState {
  const data = parseInput('checkHandoffItem', checkInput, input);
  const state = requireState(doc, 'checkHandoffItem', data.handoffId);
  const item = state.checklist.find((i) => i.id === data.itemId);
  if (!item || item.kind !== 'manual') throw new CommandError('checkHandoffItem', [{ path: 'itemId', message: item ? 'automatic items are evaluated, not ticked' : `no item ${data.itemId}` }]);
  const blocker = actionBlocker(state, actorOf(doc, ctx), 'check');
  if (blocker) throw new CommandError('checkHandoffItem', [{ path: 'itemId', message: blocker }]);
  if (state.checks.has(data.itemId) === data.checked) return state;
  const event: HandoffEvent = { kind: 'check', id: ctx.newId(), handoffId: data.handoffId, itemId: data.itemId, checked: data.checked, byId: ctx.actor.id, byName: ctx.actor.name, at: ctx.now(), seq: state.nextSeq };
  doc.getMap<HandoffEvent>(DOC_KEYS.handoffEvents).set(event.id, event);
  return getHandoffState(doc, data.handoffId)!;
}

/** What a person can do on a handoff now, with the reason for each action that is closed. */
export function handoffActions(doc: Y.Doc, state: HandoffState, memberId: string): Record<HandoffAction, string | null> {
  const actor = { id: memberId, role: memberRole(doc, memberId), teamRole: teamRoleOf(doc, memberId) };
  const actions: HandoffAction[] = ['accept', 'reject', 'request-changes', 'resubmit', 'withdraw', 'check'];
  return Object.fromEntries(actions.map((a) => [a, actionBlocker(state, actor, a)])) as Record<HandoffAction, string | null>;
}

/** Handoffs waiting for this member: to review (their team role receives) or to rework (they asked, changes were requested). */
export function waitingFor(doc: Y.Doc, memberId: string): HandoffState[] {
  const actor = { id: memberId, teamRole: teamRoleOf(doc, memberId) };
  return listHandoffStates(doc).filter((s) => isWaitingFor(s, actor));
}

export type AuditEntry =
  | { kind: 'version'; at: number; byName: string; version: ModelVersionRecord }
  | { kind: 'alias'; at: number; byName: string; event: AliasEventRecord }
  | { kind: 'handoff-requested'; at: number; byName: string; handoff: HandoffRecord }
  | { kind: 'handoff-event'; at: number; byName: string; handoff: HandoffRecord; event: HandoffEvent };

/** Everything that happened to a model — versions, alias moves (and overrides), handoffs and their decisions — oldest first. */
export function registryAudit(doc: Y.Doc, modelId: string): AuditEntry[] {
  const entries: AuditEntry[] = [
    ...listModelVersions(doc, modelId).map((version): AuditEntry => ({ kind: 'version', at: version.createdAt, byName: version.createdByName, version })),
    ...aliasHistory(doc, modelId).map((event): AuditEntry => ({ kind: 'alias', at: event.at, byName: event.byName, event })),
  ];
  for (const state of listHandoffStates(doc).filter((s) => s.handoff.modelId === modelId)) {
    entries.push({ kind: 'handoff-requested', at: state.handoff.at, byName: state.handoff.requestedByName, handoff: state.handoff });
    for (const event of eventsOf(doc, state.handoff.id)) entries.push({ kind: 'handoff-event', at: event.at, byName: event.byName, handoff: state.handoff, event });
  }
  return entries.sort((a, b) => a.at - b.at || auditSeq(a) - auditSeq(b));
}

function auditSeq(entry: AuditEntry): number {
  return entry.kind === 'alias' || entry.kind === 'handoff-event' ? entry.event.seq : 0;
}

function requireState(doc: Y.Doc, command: string, handoffId: string): HandoffState {
  const state = getHandoffState(doc, handoffId);
  if (!state) throw new CommandError(command, [{ path: 'handoffId', message: `no handoff ${handoffId}` }]);
  return state;
}

function actorOf(doc: Y.Doc, ctx: CommandContext) {
  return { id: ctx.actor.id, role: memberRole(doc, ctx.actor.id), teamRole: teamRoleOf(doc, ctx.actor.id) };
}
