/**
 * What a member may write, judged on the decoded update (server/update-structure.ts) against the
 * room's doc, for every role — without applying it and without copying the doc.
 *
 * Each new item of the update is placed: which top-level type, and the path of map keys down to
 * it (resolved through its parent, or through the neighbour it was inserted next to, as Yjs'
 * `Item.getMissing` resolves it). Each item the delete set removes is placed the same way. Then:
 * - viewers write nothing; commenters add their own comments, reactions and resolutions of their
 *   own threads, and take back their own reactions; owners and editors write the registries;
 * - a record must parse exactly (no unknown fields, bounded size), sit under its own key, name
 *   the writer in its authorship fields with the name the server has for them, and carry dates
 *   no later than the server's clock allows (server/record-rules.ts);
 * - `members`, `meta`, `threadSummaries` and `commentMentions` are the server's: no client writes them;
 * - an owner's override of a protected alias (`production`) needs the writer to be an owner by
 *   the server's token table, not by the doc;
 * - incidents: a new incident is created by its writer; later changes keep who created it; its
 *   timeline is append-only and each event names its writer; an assignee's name is the member's.
 * Writes into a type that is already deleted land deleted (Yjs) and are not judged.
 *
 * A conversation doc (`<ws>:thread:<kind>:<id>`, src/core/workspace/thread-docs.ts) is judged
 * by the same record rules for the `comments`, `reactions` and `threadResolutions` it holds; a
 * comment there must be on the doc's own target; an incident's doc also takes timeline events
 * (top-level `events`: append-only, owners and editors, each naming its writer, no action
 * outcomes); nothing else may be written into it.
 */
import * as Y from 'yjs';
import {
  DOC_KEYS, INCIDENT_EVENTS_KEY, NOTE_TEXT_KEY, PROTECTED_ALIASES, THREAD_EVENTS_KEY, type ThreadTarget,
  commentSchema, incidentEventSchema, incidentSchema, memberSchema, threadResolutionSchema,
} from '../src/core/workspace/index.ts';
import type { MemberIdentity } from './store-contract.ts';
import { MAX_RECORD_BYTES, RECORD_RULES, type RecordRule, parsesExactly } from './record-rules.ts';
import { type StructRuns, findStruct } from './update-structure.ts';

export type Verdict = { kind: 'allowed' } | { kind: 'denied'; reason: string };

const allowed: Verdict = { kind: 'allowed' };
const denied = (reason: string): Verdict => ({ kind: 'denied', reason });

/** How far ahead of the server's clock a client's timestamp may run (clock skew). */
export const FUTURE_SKEW_MS = 10 * 60_000;
/** How long before a member first joined a record of theirs may say it was written. */
export const PAST_SKEW_MS = 60 * 60_000;

interface Place {
  root: string;
  /** Map keys from the root down (null: an element of an array). */
  path: (string | null)[];
  /** Inside a type that is deleted: whatever lands there lands deleted. */
  dead: boolean;
}

export interface PolicyInput {
  doc: Y.Doc;
  isNote: boolean;
  /** A conversation doc's target; absent or null for a workspace or note doc. */
  thread?: ThreadTarget | null;
  identity: MemberIdentity;
  now: number;
  items: Y.Item[];
  runs: StructRuns;
  ds: Map<number, { clock: number; len: number }[]>;
}

type Rec = Record<string, unknown>;

/** What only the server writes in a workspace doc. */
const SERVER_KEYS = new Set<string>([DOC_KEYS.members, DOC_KEYS.meta, DOC_KEYS.threadSummaries, DOC_KEYS.commentMentions]);

/** What a conversation doc holds besides an incident's timeline. */
const CONVERSATION_KEYS = new Set<string>([DOC_KEYS.comments, DOC_KEYS.reactions, DOC_KEYS.threadResolutions]);

export function judgeUpdate(input: PolicyInput): Verdict {
  const { identity } = input;
  if (identity.role === 'viewer') return denied('viewers cannot change this workspace');
  if (input.isNote && identity.role === 'commenter') return denied('commenters can comment on a note but not edit it');
  const place = placer(input.doc, input.runs);

  const added: { item: Y.Item; at: Place }[] = [];
  for (const item of input.items) {
    const at = place.ofNew(item);
    if (at && !at.dead) added.push({ item, at });
  }
  const removed: Place[] = [];
  for (const [client, ranges] of input.ds) {
    const structs = input.doc.store.clients.get(client);
    if (!structs) continue;
    for (const { clock, len } of ranges) {
      const end = Math.min(clock + len, Y.getState(input.doc.store, client));
      if (clock >= end) continue;
      for (let i = Y.findIndexSS(structs, clock); i < structs.length && structs[i]!.id.clock < end; i++) {
        const s = structs[i]!;
        if (!(s instanceof Y.Item) || s.deleted) continue;
        const at = place.ofRoom(s);
        if (at && !at.dead) removed.push(at);
      }
    }
  }

  if (input.isNote) {
    for (const at of [...added.map((a) => a.at), ...removed]) if (at.root !== NOTE_TEXT_KEY) return denied(`a note holds only its text, not "${at.root}"`);
    return allowed;
  }
  const judge = new Judge(input);
  for (const a of added) {
    const why = judge.add(a.item, a.at);
    if (why) return denied(why);
  }
  for (const at of removed) {
    const why = judge.remove(at);
    if (why) return denied(why);
  }
  const why = judge.finish();
  return why ? denied(why) : allowed;
}

/** Places items: new ones from the update (by parent or neighbour) and the room's own. */
function placer(doc: Y.Doc, runs: StructRuns) {
  const store = doc.store;
  const memo = new Map<Y.Item, Place | null>();
  const inRoom = (id: Y.ID) => id.clock < Y.getState(store, id.client);
  const ofType = (type: Y.AbstractType<unknown>): Place | null => {
    const holder = type._item;
    if (holder === null) return { root: Y.findRootTypeKey(type), path: [], dead: false };
    const at = ofRoom(holder);
    return at && { ...at, dead: at.dead || holder.deleted };
  };
  const ofRoom = (item: Y.Item): Place | null => {
    if (!(item.parent instanceof Y.AbstractType)) return null;
    const container = ofType(item.parent);
    return container && { root: container.root, path: [...container.path, item.parentSub], dead: container.dead };
  };
  const ofAny = (item: Y.Item): Place | null => (inRoom(item.id) ? ofRoom(item) : ofNew(item));
  const ofNew = (item: Y.Item): Place | null => {
    if (memo.has(item)) return memo.get(item)!;
    memo.set(item, null); // a cycle cannot be placed (update-structure refuses them anyway)
    let at: Place | null = null;
    if (typeof item.parent === 'string') at = { root: item.parent, path: [item.parentSub], dead: false };
    else if (item.parent instanceof Y.ID) {
      const holder = findStruct(store, runs, item.parent);
      if (holder instanceof Y.Item && holder.content instanceof Y.ContentType) {
        const h = ofAny(holder);
        at = h && { root: h.root, path: [...h.path, item.parentSub], dead: h.dead || (inRoom(holder.id) && holder.deleted) };
      }
    } else {
      const left = item.origin ? findStruct(store, runs, item.origin) : null;
      const right = item.rightOrigin ? findStruct(store, runs, item.rightOrigin) : null;
      const neighbour = left instanceof Y.GC || right instanceof Y.GC ? null : (left ?? right);
      if (neighbour instanceof Y.Item) {
        const n = ofAny(neighbour);
        at = n && { ...n, path: [...n.path.slice(0, -1), neighbour.parentSub] };
      }
    }
    memo.set(item, at);
    return at;
  };
  return { ofNew, ofRoom };
}

class Judge {
  private readonly member: string;
  /** Per record map and key: the records this update writes there. */
  private readonly writes = new Map<string, Map<string, Rec[]>>();
  private readonly removals = new Map<string, Set<string>>();
  /** Per incident: fields written, fields removed, whether the entry itself is new. */
  private readonly incidents = new Map<string, { fields: Map<string, unknown>; removed: Set<string>; created: boolean }>();

  constructor(private readonly input: PolicyInput) {
    this.member = input.identity.memberId;
  }

  private get role() {
    return this.input.identity.role;
  }

  add(item: Y.Item, at: Place): string | null {
    const thread = this.input.thread;
    if (thread) {
      if (at.root === THREAD_EVENTS_KEY && thread.kind === 'incident') return this.addTimelineEvent(item, at);
      if (!CONVERSATION_KEYS.has(at.root)) return `a conversation holds comments, reactions and resolutions${thread.kind === 'incident' ? ' and the timeline' : ''}, not "${at.root}"`;
    }
    if (SERVER_KEYS.has(at.root)) return 'members, the workspace\'s settings and conversation summaries are written by the server';
    if (at.root === DOC_KEYS.incidents) return this.addToIncident(item, at);
    const rule = RECORD_RULES[at.root];
    if (!rule) return `"${at.root}" is not part of a workspace`;
    const key = at.path[0];
    if (at.path.length !== 1 || typeof key !== 'string') return `${at.root} holds records by key only`;
    if (!(item.content instanceof Y.ContentAny) || item.content.arr.length !== 1) return `${at.root}/${key} must be a plain record`;
    const value = item.content.arr[0];
    const perKey = this.writes.get(at.root) ?? new Map<string, Rec[]>();
    this.writes.set(at.root, perKey);
    perKey.set(key, [...(perKey.get(key) ?? []), value as Rec]);
    return null;
  }

  remove(at: Place): string | null {
    const thread = this.input.thread;
    if (thread) {
      if (at.root === THREAD_EVENTS_KEY && thread.kind === 'incident') return 'an incident\'s timeline is append-only';
      if (!CONVERSATION_KEYS.has(at.root)) return `a conversation holds comments, reactions and resolutions, not "${at.root}"`;
    }
    if (SERVER_KEYS.has(at.root)) return 'members, the workspace\'s settings and conversation summaries are written by the server';
    if (at.root === DOC_KEYS.incidents) {
      const [incidentId, field, element] = at.path;
      if (at.path.length === 1) return 'incidents cannot be deleted';
      if (at.path.length === 2 && typeof incidentId === 'string' && typeof field === 'string') {
        this.incident(incidentId).removed.add(field);
        return null;
      }
      return element === null ? 'an incident\'s timeline is append-only' : 'incidents hold fields and a timeline only';
    }
    if (!RECORD_RULES[at.root]) return `"${at.root}" is not part of a workspace`;
    const key = at.path[0];
    if (at.path.length !== 1 || typeof key !== 'string') return `${at.root} holds records by key only`;
    const keys = this.removals.get(at.root) ?? new Set<string>();
    this.removals.set(at.root, keys);
    keys.add(key);
    return null;
  }

  private incident(id: string) {
    let entry = this.incidents.get(id);
    if (!entry) this.incidents.set(id, (entry = { fields: new Map(), removed: new Set(), created: false }));
    return entry;
  }

  private addToIncident(item: Y.Item, at: Place): string | null {
    if (this.role === 'commenter') return 'commenters can only add comments, reactions and thread resolutions';
    const [incidentId, field, element] = at.path;
    if (typeof incidentId !== 'string') return 'incidents are kept by id';
    const live = this.input.doc.getMap(DOC_KEYS.incidents).get(incidentId);
    if (at.path.length === 1) {
      if (!(item.content instanceof Y.ContentType) || !(item.content.type instanceof Y.Map)) return `incident ${incidentId} must be a map of fields`;
      if (live !== undefined) return 'incidents cannot be replaced';
      this.incident(incidentId).created = true;
      return null;
    }
    if (typeof field !== 'string') return 'an incident holds fields by name';
    if (at.path.length === 2) {
      if (field === INCIDENT_EVENTS_KEY) {
        if (!(item.content instanceof Y.ContentType) || !(item.content.type instanceof Y.Array)) return 'an incident\'s timeline must be a list';
        if (live instanceof Y.Map && live.get(INCIDENT_EVENTS_KEY) instanceof Y.Array) return 'an incident\'s timeline cannot be replaced';
        return null;
      }
      if (!(item.content instanceof Y.ContentAny) || item.content.arr.length !== 1) return `incident field ${field} must be a plain value`;
      this.incident(incidentId).fields.set(field, item.content.arr[0]);
      return null;
    }
    if (at.path.length === 3 && field === INCIDENT_EVENTS_KEY && element === null) return this.checkEvents(item);
    return 'incidents hold fields and a timeline only';
  }

  /** An event appended to the top-level timeline of an incident's conversation doc. */
  private addTimelineEvent(item: Y.Item, at: Place): string | null {
    if (this.role === 'commenter') return 'commenters can only add comments, reactions and thread resolutions';
    if (at.path.length !== 1 || at.path[0] !== null) return 'an incident\'s timeline is a list of events';
    return this.checkEvents(item);
  }

  private checkEvents(item: Y.Item): string | null {
    if (!(item.content instanceof Y.ContentAny)) return 'timeline events must be plain records';
    for (const event of item.content.arr) {
      const why = this.checkRecord('incident event', incidentEventSchema, event, ['byId', 'byName'], ['at']);
      if (why) return why;
      // An action's later outcome (a webhook retry's) is the server's word, never a client's.
      if ((event as { follows?: unknown }).follows !== undefined) return 'only the server records the outcome of an action';
    }
    return null;
  }

  finish(): string | null {
    for (const [root, perKey] of this.writes) {
      const rule = RECORD_RULES[root]!;
      for (const [key, values] of perKey) {
        const before = this.input.doc.getMap(root).get(key) as Rec | undefined;
        for (const value of values) {
          const why = this.checkWrite(root, rule, key, before, value);
          if (why) return why;
        }
      }
    }
    for (const [root, keys] of this.removals) {
      const rule = RECORD_RULES[root]!;
      for (const key of keys) {
        if (this.writes.get(root)?.has(key)) continue; // replaced, judged as a change above
        const before = this.input.doc.getMap(root).get(key) as Rec | undefined;
        if (!rule.remove.includes(this.role)) return this.role === 'commenter' ? 'commenters cannot change or delete what is already there' : `${root} records cannot be deleted`;
        if (rule.removeOwnOnly && rule.created && before?.[rule.created[0]] !== this.member) return 'commenters cannot change or delete what is already there';
      }
    }
    for (const [id, change] of this.incidents) {
      const why = this.checkIncident(id, change);
      if (why) return why;
    }
    return null;
  }

  private checkWrite(root: string, rule: RecordRule, key: string, before: Rec | undefined, value: Rec): string | null {
    const what = `${root}/${key}`;
    if (before === undefined ? !rule.add.includes(this.role) : !rule.change.includes(this.role)) {
      if (this.role === 'commenter') return before === undefined ? 'commenters can only add comments, reactions and thread resolutions' : 'commenters cannot change an existing record';
      return before === undefined ? `${this.role}s cannot add ${root}` : `${root} records cannot be changed once written`;
    }
    const exact = parsesExactly(rule.schema, value);
    if (!exact.ok) return `${what} is not a valid record: ${exact.why}`;
    if (JSON.stringify(value).length > MAX_RECORD_BYTES) return `${what} is larger than ${MAX_RECORD_BYTES} bytes`;
    if (rule.key(value) !== key) return `${what} is stored under the wrong key`;
    if (rule.created) {
      const [idField, nameField] = rule.created;
      if (before === undefined) {
        const why = this.names(what, value, idField, nameField);
        if (why) return why;
      } else if (value[idField] !== before[idField] || (nameField && value[nameField] !== before[nameField])) {
        return `${what}: who wrote a record cannot be changed`;
      }
    }
    if (rule.updated) {
      const why = this.names(what, value, rule.updated[0], rule.updated[1]);
      if (why) return why;
    }
    for (const field of rule.dates) {
      if (before !== undefined && value[field] === before[field]) continue;
      // Imported records (GTO, MLflow) carry the other registry's times, which may be old.
      const why = this.date(what, value[field], typeof value.source === 'string');
      if (why) return why;
    }
    return this.special(root, value);
  }

  /** Rules beyond the generic ones, per registry. */
  private special(root: string, value: Rec): string | null {
    const thread = this.input.thread;
    if (thread && root === DOC_KEYS.comments) {
      const target = commentSchema.parse(value).target;
      if (target.kind !== thread.kind || target.id !== thread.id) return `a comment in this conversation must be on ${thread.kind} ${thread.id}`;
    }
    if (root === DOC_KEYS.threadResolutions && this.role === 'commenter') {
      const resolution = threadResolutionSchema.parse(value);
      const thread = commentSchema.safeParse(this.input.doc.getMap(DOC_KEYS.comments).get(resolution.commentId));
      if (!thread.success || thread.data.parentId !== undefined) return 'only a thread\'s first comment can be resolved';
      if (thread.data.authorId !== this.member) return 'commenters can resolve only threads they started';
    }
    if (root === DOC_KEYS.aliasEvents && PROTECTED_ALIASES.includes(String(value.alias)) && value.override !== undefined && this.role !== 'owner') {
      return `only owners can override the ${String(value.alias)} rule`;
    }
    if (root === DOC_KEYS.teamRoles && !this.input.doc.getMap(DOC_KEYS.members).has(String(value.memberId))) return `no member ${String(value.memberId)}`;
    return null;
  }

  private checkIncident(id: string, change: { fields: Map<string, unknown>; removed: Set<string>; created: boolean }): string | null {
    if (change.fields.size === 0 && change.removed.size === 0) return null;
    const live = this.input.doc.getMap(DOC_KEYS.incidents).get(id);
    if (!change.created && !(live instanceof Y.Map)) return `no incident ${id}`;
    const before: Rec = change.created ? {} : Object.fromEntries([...(live as Y.Map<unknown>).entries()].filter(([k]) => k !== INCIDENT_EVENTS_KEY));
    const after: Rec = { ...before };
    for (const f of change.removed) delete after[f];
    for (const [f, v] of change.fields) after[f] = v;
    const what = `incident ${id}`;
    const exact = parsesExactly(incidentSchema, after);
    if (!exact.ok) return `${what} is not valid: ${exact.why}`;
    if (after.id !== id) return `${what} is stored under the wrong key`;
    if (change.created) {
      const why = this.names(what, after, 'createdBy', 'createdByName') ?? this.date(what, after.createdAt);
      if (why) return why;
    } else {
      for (const f of ['id', 'createdAt', 'createdBy', 'createdByName', 'monitorId', 'ruleId']) {
        if (after[f] !== before[f]) return `${what}: ${f} cannot be changed`;
      }
    }
    if (after.assigneeId !== undefined && (after.assigneeId !== before.assigneeId || after.assigneeName !== before.assigneeName)) {
      const assignee = memberSchema.safeParse(this.input.doc.getMap(DOC_KEYS.members).get(String(after.assigneeId)));
      if (!assignee.success) return `${what}: no member ${String(after.assigneeId)} to assign`;
      if (after.assigneeName !== assignee.data.name) return `${what}: the assignee's name must be the member's (${assignee.data.name})`;
    }
    if (after.updatedAt !== before.updatedAt) return this.date(what, after.updatedAt);
    return null;
  }

  private checkRecord(what: string, schema: Parameters<typeof parsesExactly>[0], value: unknown, who: [string, string], dates: string[]): string | null {
    const exact = parsesExactly(schema, value);
    if (!exact.ok) return `${what} is not valid: ${exact.why}`;
    if (JSON.stringify(value).length > MAX_RECORD_BYTES) return `${what} is larger than ${MAX_RECORD_BYTES} bytes`;
    const why = this.names(what, exact.value, who[0], who[1]);
    if (why) return why;
    for (const d of dates) {
      const late = this.date(what, exact.value[d]);
      if (late) return late;
    }
    return null;
  }

  /** The record names the writer, by the id and name the server has for them. */
  private names(what: string, value: Rec, idField: string, nameField?: string): string | null {
    const you = this.input.identity;
    if (value[idField] !== you.memberId) return `${what} must be written under your own member id`;
    if (nameField && value[nameField] !== you.name) return `${what} must carry your name as the server has it (${you.name})`;
    return null;
  }

  private date(what: string, at: unknown, imported = false): string | null {
    if (typeof at !== 'number') return null;
    if (at > this.input.now + FUTURE_SKEW_MS) return `${what} is dated in the future (check this computer's clock)`;
    if (imported) return null;
    const joined = memberSchema.safeParse(this.input.doc.getMap(DOC_KEYS.members).get(this.member));
    if (joined.success && at < joined.data.joinedAt - PAST_SKEW_MS) return `${what} is dated before you joined this workspace`;
    return null;
  }
}
