// The layer allow-list in eslint.config.js (STYLE.md habit 2), run through ESLint itself on
// imports written into files that are never saved: a granted import passes, anything else fails.
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const eslint = new ESLint({ cwd: root });

async function layerErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${root}${filePath}` });
  return result!.messages.filter((m) => m.ruleId === 'layers/allowed-imports').map((m) => m.message);
}

describe('ESLint layer allow-list', () => {
  it('lets a layer import what it is granted', async () => {
    expect(await layerErrors('src/data/probe.ts', "export { DOC_KEYS } from '../core/workspace/index.ts';\n")).toEqual([]);
    expect(await layerErrors('src/node/probe.ts', "export { startSyncServer } from '../../server/index.ts';\n")).toEqual([]);
    expect(await layerErrors('src/renderer/src/probe.test.ts', "export { prng } from '../../../test/helpers/prng.ts';\n")).toEqual([]);
  });

  it('refuses an upward import, in every form of import', async () => {
    const errors = await layerErrors('server/probe.ts', [
      "import { startAppHost } from '../src/node/app-host.ts';",
      "export const later = () => import('../src/node/jobs.ts');",
      "export type T = import('../src/cli/main.ts').Never;",
      "export * from '../src/main/index.ts';",
      'export const used = startAppHost;',
    ].join('\n'));
    expect(errors).toHaveLength(4);
    expect(errors[0]).toContain('server may not import src/node');
  });

  it('keeps core on its own, the preload on shared and the renderer off the data layer', async () => {
    expect(await layerErrors('src/core/probe.ts', "export type { HostApi } from '../shared/host-contract.ts';\n")).toHaveLength(1);
    expect(await layerErrors('src/preload/probe.ts', "export { DOC_KEYS } from '../core/workspace/index.ts';\n")).toHaveLength(1);
    expect(await layerErrors('src/renderer/src/probe.ts', "export { profileFile } from '../../data/datasets/profile.ts';\n")).toHaveLength(1);
    // Test helpers are granted to tests beside the code, not to the code itself.
    expect(await layerErrors('src/renderer/src/probe.ts', "export { prng } from '../../../test/helpers/prng.ts';\n")).toHaveLength(1);
  });

  it('gives a folder missing from the table nothing of ours', async () => {
    const errors = await layerErrors('src/new-folder/probe.ts', "export { DOC_KEYS } from '../core/workspace/index.ts';\n");
    expect(errors).toEqual([expect.stringContaining('src/new-folder is not in the LAYERS table')]);
  });
});
