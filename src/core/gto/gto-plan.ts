/**
 * What a GTO registry says, as a plan for a Driftdesk workspace: which models, which versions
 * (label = GTO's version name), and the stage assignments in the order they happened, as alias
 * moves. Three inputs give one plan: the git tags themselves (with tagger dates and commits),
 * `gto history --json` (events with the tag each came from), and `gto show --json` (the current
 * state only: no times, no history).
 *
 * Replaying tags follows GTO (gto/tag.py, gto/base.py): tags in time order; a stage assignment
 * names a commit, and the version is the one registered at that commit (or, when none is, the
 * commit itself — GTO's "unregistered version"); a stage holds one version (GTO's default
 * VERSIONS_PER_STAGE = 1), so the latest assignment wins; unassigning removes the stage only
 * from the version it names.
 */
import { z } from 'zod';
import { aliasNameSchema, modelNameSchema } from '../workspace/schema.ts';
import { GtoTagError, type GtoTag, compareSemver, looksLikeGtoTag, parseGtoTag } from './gto-tags.ts';

/** One tag as git (or `gto history`) gives it. */
export interface GtoTagEvent {
  tag: string;
  /** Milliseconds since the epoch: the tagger date of an annotated tag. */
  at: number;
  /** The commit the tag points at. */
  commit: string;
  /** The version the source says an assignment is of (`gto history` does); else found by commit. */
  version?: string;
}

export interface PlannedVersion {
  label: string;
  /** The tag that registered it; a commit-only version has `<artifact>@<sha>`. */
  tag: string;
  commit?: string;
  /** Undefined when the source has no times (`gto show`): the import's time is used. */
  at?: number;
  deregisteredBy?: string;
}

export interface PlannedMove {
  stage: string;
  /** The version label it now names; null: the stage was unassigned. */
  version: string | null;
  /** What makes the move unique for re-imports (the tag, for tag-based sources). */
  key: string;
  at?: number;
}

export interface PlannedArtifact {
  artifact: string;
  /** The Driftdesk model name: GTO's `folder:name` becomes `folder/name`. */
  modelName: string;
  at?: number;
  versions: PlannedVersion[];
  moves: PlannedMove[];
  deprecatedBy?: string;
}

export interface GtoPlan {
  kind: 'tags' | 'history' | 'show';
  artifacts: PlannedArtifact[];
  /** Tags that are not GTO's (no `@` or `#`), left alone. */
  skippedTags: string[];
}

/** The source cannot be imported; `problems` lists each bad tag or field, and nothing is written. */
export class GtoImportError extends Error {
  override readonly name: string = 'GtoImportError';
  constructor(readonly problems: string[]) {
    super(problems.length === 1 ? problems[0]! : `${problems.length} problems:\n  ${problems.slice(0, 20).join('\n  ')}${problems.length > 20 ? `\n  … and ${problems.length - 20} more` : ''}`);
  }
}

/** The import was refused (the token's role or workspace), not malformed: the CLI exits 1, not 2. */
export class GtoImportRefused extends GtoImportError {
  override readonly name = 'GtoImportRefused';
}

interface ArtifactState extends PlannedArtifact {
  byLabel: Map<string, PlannedVersion>;
  byCommit: Map<string, string>;
  stages: Map<string, string | null>;
}

function artifactState(map: Map<string, ArtifactState>, artifact: string, at: number | undefined, problems: string[], tag: string): ArtifactState | undefined {
  let state = map.get(artifact);
  if (state) return state;
  const modelName = artifact.replace(':', '/');
  const ok = modelNameSchema.safeParse(modelName);
  if (!ok.success) {
    problems.push(`tag ${JSON.stringify(tag)}: artifact ${artifact} cannot be a model name (${ok.error.issues[0]?.message})`);
    return undefined;
  }
  state = { artifact, modelName, versions: [], moves: [], byLabel: new Map(), byCommit: new Map(), stages: new Map(), ...(at !== undefined ? { at } : {}) };
  map.set(artifact, state);
  return state;
}

function addVersion(state: ArtifactState, version: PlannedVersion): PlannedVersion {
  const known = state.byLabel.get(version.label);
  if (known) {
    delete known.deregisteredBy; // registered again
    return known;
  }
  state.byLabel.set(version.label, version);
  state.versions.push(version);
  if (version.commit) state.byCommit.set(version.commit, version.label);
  return version;
}

/**
 * Replays tags into a plan. Tags without `@` or `#` are skipped; a tag that looks like GTO's but
 * breaks its grammar (or names a stage that cannot be an alias) is an error — all of them are
 * listed at once.
 */
export function planFromTags(events: readonly GtoTagEvent[], kind: GtoPlan['kind'] = 'tags'): GtoPlan {
  const problems: string[] = [];
  const skippedTags: string[] = [];
  const parsed: { event: GtoTagEvent; tag: GtoTag }[] = [];
  for (const event of events) {
    if (!looksLikeGtoTag(event.tag)) {
      skippedTags.push(event.tag);
      continue;
    }
    try {
      const tag = parseGtoTag(event.tag);
      if ((tag.kind === 'assign' || tag.kind === 'unassign') && !aliasNameSchema.safeParse(tag.stage).success) {
        problems.push(`tag ${JSON.stringify(event.tag)}: stage ${tag.stage} cannot be an alias (use letters, digits, "_" or "-")`);
        continue;
      }
      parsed.push({ event, tag });
    } catch (err) {
      if (!(err instanceof GtoTagError)) throw err;
      problems.push(err.message);
    }
  }
  parsed.sort((a, b) => a.event.at - b.event.at || (a.tag.counter ?? 0) - (b.tag.counter ?? 0) || (a.event.tag < b.event.tag ? -1 : a.event.tag > b.event.tag ? 1 : 0));
  const artifacts = new Map<string, ArtifactState>();
  for (const { event, tag } of parsed) {
    const state = artifactState(artifacts, tag.artifact, event.at, problems, event.tag);
    if (!state) continue;
    const tagName = tag.artifact.replace(':', '=');
    switch (tag.kind) {
      case 'register':
        addVersion(state, { label: tag.version, tag: event.tag, commit: event.commit, at: event.at });
        break;
      case 'deregister': {
        const v = state.byLabel.get(tag.version);
        if (v) v.deregisteredBy = event.tag;
        break;
      }
      case 'assign': {
        const label = event.version ?? state.byCommit.get(event.commit) ?? event.commit;
        if (!state.byLabel.has(label)) addVersion(state, { label, tag: `${tagName}@${label}`, commit: event.commit, at: event.at });
        state.stages.set(tag.stage, label);
        state.moves.push({ stage: tag.stage, version: label, key: event.tag, at: event.at });
        break;
      }
      case 'unassign': {
        const label = event.version ?? state.byCommit.get(event.commit) ?? event.commit;
        if (state.stages.get(tag.stage) === label) {
          state.stages.set(tag.stage, null);
          state.moves.push({ stage: tag.stage, version: null, key: event.tag, at: event.at });
        }
        break;
      }
      case 'deprecate':
        state.deprecatedBy = event.tag;
        break;
      case 'create':
        break;
    }
  }
  if (problems.length > 0) throw new GtoImportError(problems);
  return { kind, skippedTags, artifacts: [...artifacts.values()].map(({ byLabel: _l, byCommit: _c, stages: _s, ...plain }) => plain) };
}

const HISTORY_EVENTS = ['commit', 'registration', 'deregistration', 'assignment', 'unassignment', 'deprecation', 'creation'] as const;
const historySchema = z.array(z.object({
  timestamp: z.string().min(1),
  artifact: z.string().min(1),
  event: z.enum(HISTORY_EVENTS),
  version: z.string().nullable().optional(),
  stage: z.string().nullable().optional(),
  commit: z.string().min(1),
  ref: z.string().min(1),
}).passthrough());

const EXPECTED_KIND: Record<(typeof HISTORY_EVENTS)[number], GtoTag['kind'] | null> = {
  commit: null, registration: 'register', deregistration: 'deregister', assignment: 'assign', unassignment: 'unassign', deprecation: 'deprecate', creation: 'create',
};

/** `gto history --json`: events newest first, each with the tag (`ref`) it came from. `commit` events carry no tag and are skipped. */
export function planFromHistory(json: unknown): GtoPlan {
  const parsed = historySchema.safeParse(json);
  if (!parsed.success) throw new GtoImportError(parsed.error.issues.slice(0, 20).map((i) => `entry ${i.path.join('.') || '(root)'}: ${i.message}`));
  const problems: string[] = [];
  const events: GtoTagEvent[] = [];
  parsed.data.forEach((e, i) => {
    const expected = EXPECTED_KIND[e.event];
    if (expected === null) return;
    const at = Date.parse(e.timestamp.replace(' ', 'T'));
    if (Number.isNaN(at)) return void problems.push(`entry ${i} (${e.ref}): timestamp ${JSON.stringify(e.timestamp)} is not a date`);
    try {
      const tag = parseGtoTag(e.ref);
      if (tag.kind !== expected) {
        const actual = Object.entries(EXPECTED_KIND).find(([, k]) => k === tag.kind)?.[0];
        return void problems.push(`entry ${i}: event ${e.event}, but its tag ${e.ref} is an ${actual}`);
      }
    } catch (err) {
      if (err instanceof GtoTagError) return void problems.push(`entry ${i}: ${err.message}`);
      throw err;
    }
    events.push({ tag: e.ref, at, commit: e.commit, ...(e.event === 'assignment' || e.event === 'unassignment' ? (e.version ? { version: e.version } : {}) : {}) });
  });
  if (problems.length > 0) throw new GtoImportError(problems);
  return planFromTags(events, 'history');
}

const showSchema = z.record(z.string(), z.object({
  version: z.string().nullable(),
  stage: z.record(z.string(), z.string().nullable()),
  registered: z.boolean().optional(),
  active: z.boolean().optional(),
}).passthrough());

/** `gto show --json`: the current state (latest version and each stage's version), without times or history. */
export function planFromShow(json: unknown): GtoPlan {
  const parsed = showSchema.safeParse(json);
  if (!parsed.success) throw new GtoImportError(parsed.error.issues.slice(0, 20).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`));
  const problems: string[] = [];
  const artifacts = new Map<string, ArtifactState>();
  for (const [artifact, entry] of Object.entries(parsed.data)) {
    const state = artifactState(artifacts, artifact, undefined, problems, artifact);
    if (!state) continue;
    const labels = [...new Set([entry.version, ...Object.values(entry.stage)].filter((v): v is string => v !== null))];
    labels.sort((a, b) => (/^v\d/.test(a) && /^v\d/.test(b) ? compareSemver(a, b) : a < b ? -1 : 1));
    for (const label of labels) addVersion(state, { label, tag: `${artifact.replace(':', '=')}@${label}` });
    for (const [stage, version] of Object.entries(entry.stage).sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (version === null) continue;
      if (!aliasNameSchema.safeParse(stage).success) {
        problems.push(`${artifact}.stage.${stage}: stage ${stage} cannot be an alias (use letters, digits, "_" or "-")`);
        continue;
      }
      // No tag to name the move: the state itself does, so importing the same state twice moves nothing.
      state.moves.push({ stage, version, key: `show:${artifact}#${stage}@${version}` });
    }
  }
  if (problems.length > 0) throw new GtoImportError(problems);
  return { kind: 'show', skippedTags: [], artifacts: [...artifacts.values()].map(({ byLabel: _l, byCommit: _c, stages: _s, ...plain }) => plain) };
}
