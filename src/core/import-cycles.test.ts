// src/core has no import cycle between its files, counting type-only imports and re-exports: a
// circle (core/workspace <-> core/handoff was one) means a module cannot be read, tested or
// moved alone, and names get spelled out as strings to dodge it. The doc keys and record schemas
// live in src/core/workspace/schema.ts (with its schema-*.ts modules, which it re-exports), which
// imports nothing else of the workspace (only the column mapping a monitor record holds), so
// everything can name them. Imports are read with the TypeScript compiler's own pre-processor (every import form).
// Only this test uses node:* (it reads src/core's files; src/core/tsconfig.json leaves *.test.ts
// out, so the modules themselves stay runtime-free).
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const CORE = dirname(fileURLToPath(import.meta.url));

type Graph = Map<string, string[]>;

/** Module → the modules it imports (relative specifiers, as paths under src/core). */
function coreImportGraph(): Graph {
  const files = readdirSync(CORE, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.tsx?$/.test(f) && !/\.test\.tsx?$/.test(f))
    .map((f) => f.split('\\').join('/'));
  const graph: Graph = new Map();
  for (const file of files) {
    const imported = ts.preProcessFile(readFileSync(join(CORE, file), 'utf8'), true, true).importedFiles;
    graph.set(file, imported
      .map((i) => i.fileName)
      .filter((spec) => spec.startsWith('.'))
      .map((spec) => relative(CORE, resolve(CORE, dirname(file), spec)).split('\\').join('/')));
  }
  return graph;
}

/** Every cycle a depth-first walk meets, each as the path that closes it (a → b → a). */
function findCycles(graph: Graph): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (node: string): void => {
    state.set(node, 'open');
    path.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'open') cycles.push([...path.slice(path.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    path.pop();
    state.set(node, 'done');
  };
  for (const node of [...graph.keys()].sort()) if (!state.has(node)) visit(node);
  return cycles;
}

describe('imports inside src/core', () => {
  it('form no cycle', () => {
    const graph = coreImportGraph();
    expect(graph.size).toBeGreaterThan(50);
    expect(findCycles(graph).map((c) => c.join(' -> '))).toEqual([]);
  });

  it('the workspace schema, the one home of doc keys and record schemas, imports only its own schema-*.ts modules and the column mapping, which needs nothing of the workspace', () => {
    const graph = coreImportGraph();
    const schemaModule = /^workspace\/schema-[a-z-]+\.ts$/;
    const reached = new Set<string>();
    const walk = (file: string) => {
      for (const next of graph.get(file) ?? []) {
        if (reached.has(next)) continue;
        reached.add(next);
        walk(next);
      }
    };
    walk('workspace/schema.ts');
    const modules = [...reached].filter((f) => schemaModule.test(f));
    expect(modules.length).toBeGreaterThan(0);
    // What the schema's files import besides one another: the column mapping only.
    const outside = new Set(['workspace/schema.ts', ...modules].flatMap((f) => graph.get(f)!).filter((f) => f !== 'workspace/schema.ts' && !schemaModule.test(f)));
    expect([...outside]).toEqual(['drift/column-mapping.ts']);
    expect([...reached].filter((f) => f.startsWith('workspace/') && !schemaModule.test(f))).toEqual([]);
  });

  it('a circle through an index is found (the one workspace/handoff had)', () => {
    const graph: Graph = new Map([
      ['workspace/index.ts', ['workspace/schema.ts', 'workspace/handoffs.ts']],
      ['workspace/handoffs.ts', ['handoff/checklist.ts']],
      ['handoff/checklist.ts', ['workspace/index.ts']],
      ['workspace/schema.ts', []],
    ]);
    expect(findCycles(graph)).toEqual([['handoff/checklist.ts', 'workspace/index.ts', 'workspace/handoffs.ts', 'handoff/checklist.ts']]);
  });
});
