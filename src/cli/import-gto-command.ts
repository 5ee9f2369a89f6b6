/**
 * `driftdesk import gto PATH --server URL --workspace ID --token T [--repo NAME] [--dry-run]`:
 * brings a GTO registry (src/data/gto reads it, src/node/gto imports it) into a workspace:
 * artifacts become models, registered versions become versions (labelled with GTO's version),
 * stage assignments become aliases, in the order they happened. Safe to run again. `--dry-run` reads and checks the registry and prints
 * what it would import, without contacting a server.
 *
 * Exit codes: 0 imported; 2 bad input (the message names the tag or field) or the server refused
 * or could not be reached — in every such case nothing was written to the workspace.
 */
import { parseArgs } from 'node:util';
import { GtoImportError, GtoImportRefused, PROTECTED_NOTE, protectedMovesOf } from '../core/gto/index.ts';
import { importGto } from '../node/gto/import-gto.ts';
import { readGtoSource } from '../data/gto/read-gto.ts';
import { UsageError } from './usage-error.ts';

const KIND_TEXT = { git: 'git tags', history: 'gto history JSON', show: 'gto show JSON' } as const;

export async function importGtoCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args, allowPositionals: true, strict: true,
    options: { server: { type: 'string' }, workspace: { type: 'string' }, token: { type: 'string' }, repo: { type: 'string' }, 'dry-run': { type: 'boolean' } },
  });
  if (positionals.length !== 1) throw new UsageError(`import gto needs one PATH (a git repository, or a gto show/history --json file), got ${positionals.length}`);
  const path = positionals[0]!;
  try {
    if (values['dry-run']) {
      const source = await readGtoSource(path, values.repo);
      const { plan } = source;
      console.log(`${path}: ${KIND_TEXT[source.kind]} of ${source.repo}, would import ${plan.artifacts.length} model(s)${plan.skippedTags.length ? `, skipping ${plan.skippedTags.length} non-GTO tag(s)` : ''}`);
      for (const a of plan.artifacts) {
        console.log(`  ${a.modelName}${a.deprecatedBy ? ` (deprecated: ${a.deprecatedBy})` : ''}`);
        for (const v of a.versions) console.log(`    version ${v.label}  ${v.tag}${v.deregisteredBy ? `  (deregistered: ${v.deregisteredBy})` : ''}`);
        for (const m of a.moves) console.log(`    ${m.stage} → ${m.version ?? '(removed)'}  ${m.key}`);
      }
      if (protectedMovesOf(plan).length > 0) console.log(PROTECTED_NOTE);
      return 0;
    }
    const need = (name: 'server' | 'workspace' | 'token') => {
      const v = values[name] ?? (name === 'token' ? process.env.DRIFTDESK_TOKEN : undefined);
      if (!v) throw new UsageError(`--${name} is required${name === 'token' ? ' (or DRIFTDESK_TOKEN)' : ''}`);
      return v;
    };
    const r = await importGto(path, { server: need('server'), workspaceId: need('workspace'), token: need('token') }, values.repo);
    console.log(`${path}: ${KIND_TEXT[r.source.kind]} of ${r.source.repo}${r.skippedTags ? ` (${r.skippedTags} non-GTO tag(s) skipped)` : ''}`);
    console.log(`  models: ${r.models.created} created, ${r.models.existing} already there`);
    console.log(`  versions: ${r.versions.created} created, ${r.versions.existing} already there`);
    console.log(`  stage moves: ${r.moves.applied} applied, ${r.moves.existing} already imported`);
    for (const d of r.deprecated) console.log(`  deprecated in GTO: ${d} (imported as it is)`);
    for (const d of r.deregistered) console.log(`  deregistered in GTO: ${d} (kept, and said so in its description)`);
    if (r.protectedMoves.length > 0) console.log(`  protected moves imported with your owner's token: ${r.protectedMoves.join('; ')}`);
    console.log(PROTECTED_NOTE);
    return 0;
  } catch (err) {
    if (err instanceof UsageError) throw err;
    const message = err instanceof GtoImportError ? err.message : `${path}: ${(err as Error).message}`;
    console.error(`driftdesk: ${message}`);
    // README: 1 when the command fails (refused by the server's rules), 2 on bad input.
    return err instanceof GtoImportRefused ? 1 : 2;
  }
}
