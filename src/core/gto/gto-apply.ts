/**
 * Writes a GTO plan into a workspace doc with the registry's own commands (createModel,
 * registerModelVersion, moveAlias), so every rule holds for imports too — `production` needs an
 * owner. Safe to run again: models are matched by name, versions by their source
 * (`gto:<repo>:<tag>`), stage moves by the tag (or state) that made them, so a re-import adds
 * only what is new. Times are GTO's: a version's creation and an alias move carry the tag's date.
 *
 * It throws on the first refusal, having possibly written part of the plan: callers run it on a
 * copy of the doc first (see src/node/gto/import-gto.ts) and send the result only when it held.
 */
import type * as Y from 'yjs';
import { type CommandContext, CommandError } from '../workspace/command-context.ts';
import { PROTECTED_ALIASES, aliasHistory, createModel, findModelByName, listModelVersions, moveAlias, registerModelVersion } from '../workspace/models.ts';
import { GtoImportError, type GtoPlan } from './gto-plan.ts';

export interface GtoApplyReport {
  models: { created: number; existing: number };
  versions: { created: number; existing: number };
  moves: { applied: number; existing: number };
  /** Moves of protected aliases (`production`) in the plan, as `model: stage → version`. */
  protectedMoves: string[];
  deprecated: string[];
  deregistered: string[];
}

/** The protected-alias moves a plan holds: importing them needs an owner's token. */
export function protectedMovesOf(plan: GtoPlan): string[] {
  return plan.artifacts.flatMap((a) => a.moves.filter((m) => PROTECTED_ALIASES.includes(m.stage)).map((m) => `${a.modelName}: ${m.stage} → ${m.version ?? '(removed)'} (${m.key})`));
}

export function applyGtoPlan(doc: Y.Doc, plan: GtoPlan, repo: string, ctx: CommandContext): GtoApplyReport {
  const report: GtoApplyReport = {
    models: { created: 0, existing: 0 }, versions: { created: 0, existing: 0 }, moves: { applied: 0, existing: 0 },
    protectedMoves: protectedMovesOf(plan), deprecated: [], deregistered: [],
  };
  const at = (time: number | undefined): CommandContext => (time === undefined ? ctx : { ...ctx, now: () => time });
  const source = (key: string) => `gto:${repo}:${key}`.slice(0, 300);
  for (const artifact of plan.artifacts) {
    let model = findModelByName(doc, artifact.modelName);
    if (model) report.models.existing += 1;
    else {
      model = createModel(doc, { name: artifact.modelName, description: `Imported from GTO (${repo}).`, source: `gto:${repo}`.slice(0, 300) }, at(artifact.at));
      report.models.created += 1;
    }
    if (artifact.deprecatedBy) report.deprecated.push(`${artifact.modelName} (${artifact.deprecatedBy})`);
    const ids = new Map(listModelVersions(doc, model.id).flatMap((v) => (v.source && v.label ? [[v.source, v.id] as const] : [])));
    const byLabel = new Map<string, string>();
    for (const v of artifact.versions) {
      const key = source(v.tag);
      let id = ids.get(key);
      if (id) report.versions.existing += 1;
      else {
        const note = v.deregisteredBy ? ` Deregistered in GTO (${v.deregisteredBy}).` : '';
        const commit = v.commit ? ` Commit ${v.commit}.` : '';
        id = registerModelVersion(doc, { modelId: model.id, label: v.label, description: `Registered in GTO (${v.tag}).${commit}${note}`, source: key }, at(v.at)).id;
        report.versions.created += 1;
      }
      if (v.deregisteredBy) report.deregistered.push(`${artifact.modelName} ${v.label} (${v.deregisteredBy})`);
      byLabel.set(v.label, id);
    }
    const done = new Set(aliasHistory(doc, model.id).flatMap((e) => (e.source ? [e.source] : [])));
    for (const move of artifact.moves) {
      const key = source(move.key);
      if (done.has(key)) {
        report.moves.existing += 1;
        continue;
      }
      try {
        moveAlias(doc, { modelId: model.id, alias: move.stage, versionId: move.version === null ? null : byLabel.get(move.version)!, source: key }, at(move.at));
      } catch (err) {
        if (err instanceof CommandError) throw new GtoImportError([`${move.key}: ${err.issues.map((i) => i.message).join('; ')}`]);
        throw err;
      }
      done.add(key);
      report.moves.applied += 1;
    }
  }
  return report;
}

/** What an import says about protected stages: GTO's `prod` stays the alias `prod`; only `production` is guarded. */
export const PROTECTED_NOTE = `note: GTO stages keep their names as aliases (prod stays "prod"). Stages named ${PROTECTED_ALIASES.map((a) => `"${a}"`).join(', ')} are protected in Driftdesk: importing them needs an owner's token, and each move is recorded as an owner's override naming its tag.`;
