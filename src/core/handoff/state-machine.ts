/**
 * The handoff state machine. A request goes from one team role to the next (data scientist →
 * ML engineer → ops) and is then, by its events:
 *
 *   pending ──accept──▶ accepted            (receiver; needs every item to hold)
 *      │  └──reject──▶ rejected             (receiver; with a reason)
 *      │  └──ask for changes──▶ changes-requested (receiver; with what to change)
 *      └──withdraw──▶ withdrawn            (requester)
 *   changes-requested ──resubmit──▶ pending (requester; the checklist is evaluated again)
 *                     └──withdraw──▶ withdrawn
 *
 * An accept counts only if every item holds at its place in the order (see handoffState), and
 * a resubmission clears the ticks. accepted, rejected and withdrawn are final (a new request
 * starts over). Events are immutable
 * records ordered by a Lamport `seq` (then clock, then id): a decision taken on one replica
 * after seeing another's comes after it everywhere. Two conflicting decisions made at once
 * (both `seq` n) — say an accept and a reject offline — resolve the same way on every replica,
 * and the loser stays in the audit trail.
 */
import type { HandoffChecklistItem, HandoffDecision, HandoffEvent, HandoffRecord, Role, TeamRole } from '../workspace/schema.ts';

export type HandoffStatus = 'pending' | 'changes-requested' | 'accepted' | 'rejected' | 'withdrawn';

export const FINAL_STATUSES: readonly HandoffStatus[] = ['accepted', 'rejected', 'withdrawn'];

export interface HandoffState {
  handoff: HandoffRecord;
  status: HandoffStatus;
  /** The checklist in force: the request's, or the latest resubmission's. */
  checklist: HandoffChecklistItem[];
  /** Manual items ticked now, by item id, with who ticked them. */
  checks: Map<string, { byName: string; at: number }>;
  /** Decisions in order (the request itself is not one). */
  decisions: Extract<HandoffEvent, { kind: 'decision' }>[];
  /** The seq a new event on this handoff must carry. */
  nextSeq: number;
}

function eventOrder(a: HandoffEvent, b: HandoffEvent): number {
  return a.seq - b.seq || a.at - b.at || (a.id > b.id ? 1 : a.id < b.id ? -1 : 0);
}

const TRANSITIONS: Readonly<Record<HandoffStatus, Partial<Record<HandoffDecision, HandoffStatus>>>> = {
  pending: { accepted: 'accepted', rejected: 'rejected', 'changes-requested': 'changes-requested', withdrawn: 'withdrawn' },
  'changes-requested': { resubmitted: 'pending', withdrawn: 'withdrawn' },
  accepted: {},
  rejected: {},
  withdrawn: {},
};

/**
 * Replays a handoff's events into its state. A decision that is not a legal step from the state
 * at that point (the loser of two concurrent decisions) is skipped, but kept in `decisions` with
 * the rest so the audit trail shows it.
 */
export function handoffState(handoff: HandoffRecord, events: readonly HandoffEvent[]): HandoffState {
  const mine = events.filter((e) => e.handoffId === handoff.id).sort(eventOrder);
  let status: HandoffStatus = 'pending';
  let checklist = handoff.checklist;
  const checks = new Map<string, { byName: string; at: number }>();
  const decisions: HandoffState['decisions'] = [];
  for (const event of mine) {
    if (event.kind === 'check') {
      if (FINAL_STATUSES.includes(status)) continue;
      if (event.checked) checks.set(event.itemId, { byName: event.byName, at: event.at });
      else checks.delete(event.itemId);
      continue;
    }
    decisions.push(event);
    const next: HandoffStatus | undefined = TRANSITIONS[status][event.decision];
    if (next === undefined) continue;
    // The rule "every item holds" is judged again here, not only by the client that accepted:
    // an untick made concurrently on another replica and ordered first makes the accept void.
    if (event.decision === 'accepted' && unmet(checklist, checks).length > 0) continue;
    status = next;
    if (event.decision === 'resubmitted') {
      if (event.checklist) checklist = event.checklist;
      // A resubmission asks for a fresh look: the ticks start over, on every replica alike.
      checks.clear();
    }
  }
  const nextSeq = Math.max(0, ...mine.map((e) => e.seq)) + 1;
  return { handoff, status, checklist, checks, decisions, nextSeq };
}

/** Who is acting: their member id, permission role and team role. */
export interface HandoffActor {
  id: string;
  role: Role | undefined;
  teamRole: TeamRole | undefined;
}

export type HandoffAction = 'accept' | 'reject' | 'request-changes' | 'resubmit' | 'withdraw' | 'check';

const DECISION_OF: Readonly<Record<Exclude<HandoffAction, 'check'>, HandoffDecision>> = {
  accept: 'accepted',
  reject: 'rejected',
  'request-changes': 'changes-requested',
  resubmit: 'resubmitted',
  withdraw: 'withdrawn',
};

export function decisionOf(action: Exclude<HandoffAction, 'check'>): HandoffDecision {
  return DECISION_OF[action];
}

/** Why an action is not open to this person now, or null when it is. */
export function actionBlocker(state: HandoffState, actor: HandoffActor, action: HandoffAction): string | null {
  if (actor.role !== 'owner' && actor.role !== 'editor') return 'only owners and editors can act on handoffs';
  const receiver = actor.teamRole === state.handoff.toRole;
  const requester = actor.id === state.handoff.requestedById || actor.teamRole === state.handoff.fromRole;
  if (action === 'check') {
    if (FINAL_STATUSES.includes(state.status)) return `the handoff is ${state.status}`;
    return receiver || requester ? null : `only the ${roleName(state.handoff.fromRole)} asking or the ${roleName(state.handoff.toRole)} receiving can tick items`;
  }
  const decision = DECISION_OF[action];
  if (TRANSITIONS[state.status][decision] === undefined) return `a handoff ${STATUS_PHRASE[state.status]} cannot be ${DECISION_PHRASE[decision]}`;
  if (action === 'resubmit' || action === 'withdraw') return requester ? null : `only the ${roleName(state.handoff.fromRole)} who asked can ${action}`;
  if (!receiver) return `waiting for ${withArticle(state.handoff.toRole)}`;
  if (action === 'accept') {
    const open = unmetItems(state);
    if (open.length > 0) return `not yet: ${open.map((i) => i.label).join('; ')}`;
  }
  return null;
}

/** Checklist items that do not hold: failed automatic ones and unticked manual ones. */
export function unmetItems(state: HandoffState): HandoffChecklistItem[] {
  return unmet(state.checklist, state.checks);
}

function unmet(checklist: readonly HandoffChecklistItem[], checks: ReadonlyMap<string, unknown>): HandoffChecklistItem[] {
  return checklist.filter((item) => (item.kind === 'automatic' ? item.passed !== true : !checks.has(item.id)));
}

/** Whether this person is the one a handoff waits for now: the receiver while pending, the requester after "changes requested". */
export function isWaitingFor(state: HandoffState, actor: Pick<HandoffActor, 'id' | 'teamRole'>): boolean {
  if (state.status === 'pending') return actor.teamRole === state.handoff.toRole;
  if (state.status === 'changes-requested') return actor.id === state.handoff.requestedById;
  return false;
}

const ROLE_NAMES: Readonly<Record<TeamRole, string>> = { 'data-scientist': 'data scientist', 'ml-engineer': 'ML engineer', ops: 'ops engineer' };

/** "data scientist", "ML engineer", "ops engineer". */
export function roleName(role: TeamRole): string {
  return ROLE_NAMES[role];
}

/** "a data scientist", "an ML engineer", "an ops engineer". */
export function withArticle(role: TeamRole): string {
  return `${role === 'data-scientist' ? 'a' : 'an'} ${roleName(role)}`;
}

const STATUS_PHRASE: Readonly<Record<HandoffStatus, string>> = {
  pending: 'waiting for a decision',
  'changes-requested': 'sent back for changes',
  accepted: 'already accepted',
  rejected: 'already rejected',
  withdrawn: 'already withdrawn',
};
const DECISION_PHRASE: Readonly<Record<HandoffDecision, string>> = {
  accepted: 'accepted',
  rejected: 'rejected',
  'changes-requested': 'sent back for changes',
  resubmitted: 'resubmitted',
  withdrawn: 'withdrawn',
};
