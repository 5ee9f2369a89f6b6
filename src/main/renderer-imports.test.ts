// The renderer runs sandboxed, with no Node: an import of electron or of a Node built-in would
// either fail to bundle or pull a shim in. ESLint names the usual suspects; this checks every
// built-in module name, in every renderer file, as the bundler would see the specifier.
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import { expect, it } from 'vitest';

const rendererDir = new URL('../renderer', import.meta.url).pathname;
const builtins = new Set(builtinModules.flatMap((m) => [m, m.split('/')[0]!]));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : /\.(ts|tsx)$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

it('nothing in src/renderer imports electron or a Node built-in', () => {
  const files = sources(rendererDir);
  expect(files.length).toBeGreaterThan(20);
  const offences: string[] = [];
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:\bfrom\s+|\bimport\s*\(?\s*|\brequire\s*\(\s*)['"]([^'"]+)['"]/g)) {
      const spec = m[1]!;
      const bare = spec.split('/')[0]!;
      if (spec.startsWith('node:') || spec === 'electron' || bare === 'electron' || (builtins.has(bare) && !spec.startsWith('.'))) {
        offences.push(`${relative(rendererDir, file)}: imports ${spec}`);
      }
    }
  }
  expect(offences).toEqual([]);
});
