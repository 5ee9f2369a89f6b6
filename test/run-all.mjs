#!/usr/bin/env node
// `npm test`: build, type-check, lint, unit + integration (Vitest), end to end (Playwright).
// First the preflight (test/preflight.mjs): it installs the system packages the tests need (as
// root with apt-get) or stops here with one sentence naming them. After it, every step runs
// even when an earlier one fails, and the last line is the total:
// "N passed, N failed, N skipped". Skipped tests are listed with their reason.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { preflight } from './preflight.mjs';

const ready = preflight();
if (ready !== 0) process.exit(ready);

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const results = join(root, 'test-results');
rmSync(results, { recursive: true, force: true });
mkdirSync(results, { recursive: true });

const bin = (name) => join(root, 'node_modules', '.bin', name);
const totals = { passed: 0, failed: 0, skipped: 0 };
const failures = [];
const skips = [];

function step(name, cmd, args) {
  console.log(`\n=== ${name}: ${[cmd.replace(root + '/', ''), ...args].join(' ')}`);
  const started = Date.now();
  const run = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, FORCE_COLOR: '0' } });
  console.log(`=== ${name}: ${run.status === 0 ? 'ok' : `exit ${run.status ?? run.signal}`} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return run.status === 0;
}

function check(name, cmd, args) {
  if (step(name, cmd, args)) totals.passed++;
  else {
    totals.failed++;
    failures.push(name);
  }
}

check('build', bin('electron-vite'), ['build']);
check('typecheck', bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']);
check('typecheck src/core (no DOM, no Node)', bin('tsc'), ['-p', 'src/core/tsconfig.json', '--noEmit']);
check('lint', bin('eslint'), ['.']);

const unitJson = join(results, 'unit.json');
const unitOk = step('unit + integration (vitest)', bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile=${unitJson}`]);
if (existsSync(unitJson)) {
  const report = JSON.parse(readFileSync(unitJson, 'utf8'));
  totals.passed += report.numPassedTests;
  totals.failed += report.numFailedTests;
  totals.skipped += report.numPendingTests + report.numTodoTests;
  for (const file of report.testResults) {
    for (const t of file.assertionResults) if (t.status === 'failed') failures.push(`vitest: ${t.fullName}`);
  }
  if (!unitOk && report.numFailedTests === 0) { totals.failed++; failures.push('vitest exited non-zero (a file failed to load?)'); }
} else if (!unitOk) {
  totals.failed++;
  failures.push('vitest did not run');
}

const e2eJson = join(results, 'e2e.json');
const e2eOk = step('end to end (playwright)', bin('playwright'), ['test']);
if (existsSync(e2eJson)) {
  const report = JSON.parse(readFileSync(e2eJson, 'utf8'));
  const visit = (suite, path) => {
    for (const spec of suite.specs ?? []) {
      for (const t of spec.tests) {
        const title = `[${t.projectName}] ${[...path, spec.title].join(' › ')}`;
        if (t.status === 'skipped') {
          totals.skipped++;
          const reason = t.annotations.find((a) => a.type === 'skip')?.description ?? 'no reason given';
          skips.push(`${title}: ${reason}`);
        } else if (t.status === 'expected' || t.status === 'flaky') totals.passed++;
        else {
          totals.failed++;
          failures.push(`playwright: ${title}`);
        }
      }
    }
    for (const child of suite.suites ?? []) visit(child, [...path, child.title]);
  };
  for (const suite of report.suites) visit(suite, []);
  if (!e2eOk && report.stats.unexpected === 0) { totals.failed++; failures.push('playwright exited non-zero'); }
} else if (!e2eOk) {
  totals.failed++;
  failures.push('playwright did not run');
}

console.log('\n=== summary');
for (const s of skips) console.log(`skipped: ${s}`);
for (const f of failures) console.log(`failed: ${f}`);
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(totals.failed > 0 ? 1 : 0);
