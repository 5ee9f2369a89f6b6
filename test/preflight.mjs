#!/usr/bin/env node
// What `npm test` needs from the system, checked before anything runs (test/run-all.mjs calls
// it first). Deep into a run is the wrong time to learn that SciPy or redis-server is missing:
// as root with apt-get it installs what is missing (what .ci/run used to do); otherwise it
// prints one sentence with the one install line and `npm test` stops with exit code 1.
// Plain JavaScript because run-all.mjs runs under plain Node 20, before any build.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PYTHON = '/usr/bin/python3';

/**
 * Each thing the tests use from the system, the Debian/Ubuntu package that provides it, and the
 * system service the package starts (stopped after install: tests start private instances).
 * @type {import('./preflight.d.mts').Requirement[]}
 */
export const REQUIREMENTS = [
  {
    // Ubuntu ships Chromium as a snap, which most containers cannot run: there, point CHROMIUM_PATH at a Chromium.
    what: 'Chromium at /usr/bin/chromium or $CHROMIUM_PATH (end-to-end tests)',
    pkg: 'chromium',
    present: (probe) => (probe.env.CHROMIUM_PATH ? probe.file(probe.env.CHROMIUM_PATH) : probe.file('/usr/bin/chromium')),
  },
  { what: `NumPy for ${PYTHON} (statistics oracles)`, pkg: 'python3-numpy', present: (probe) => probe.pythonModule('numpy') },
  { what: `SciPy for ${PYTHON} (statistics oracles)`, pkg: 'python3-scipy', present: (probe) => probe.pythonModule('scipy') },
  { what: `pandas for ${PYTHON} (dataset oracles)`, pkg: 'python3-pandas', present: (probe) => probe.pythonModule('pandas') },
  { what: `scikit-learn for ${PYTHON} (performance-estimation oracles)`, pkg: 'python3-sklearn', present: (probe) => probe.pythonModule('sklearn') },
  { what: `nbformat for ${PYTHON} (notebook fixtures)`, pkg: 'python3-nbformat', present: (probe) => probe.pythonModule('nbformat') },
  { what: `nbconvert for ${PYTHON} (executing notebook fixtures)`, pkg: 'python3-nbconvert', present: (probe) => probe.pythonModule('nbconvert') },
  { what: `ipykernel for ${PYTHON} (the kernel notebook fixtures run on)`, pkg: 'python3-ipykernel', present: (probe) => probe.pythonModule('ipykernel') },
  { what: `matplotlib for ${PYTHON} (a plot in the notebook fixtures)`, pkg: 'python3-matplotlib', present: (probe) => probe.pythonModule('matplotlib') },
  { what: 'redis-server (scale-out tests)', pkg: 'redis-server', service: 'redis-server', present: (probe) => probe.command('redis-server') },
  { what: 'PostgreSQL (scale-out and store tests)', pkg: 'postgresql', service: 'postgresql', present: (probe) => probe.postgres() },
  { what: 'git (GTO import tests)', pkg: 'git', present: (probe) => probe.command('git') },
];

/**
 * The real machine. Every probe is cheap (no module is imported: find_spec only locates it).
 * @type {import('./preflight.d.mts').Probe}
 */
export const systemProbe = {
  env: process.env,
  isRoot: () => typeof process.getuid === 'function' && process.getuid() === 0,
  file: (path) => existsSync(path),
  command: (name) => spawnSync('sh', ['-c', 'command -v "$1"', 'sh', name], { stdio: 'ignore' }).status === 0,
  pythonModule: (name) =>
    existsSync(PYTHON) &&
    spawnSync(PYTHON, ['-c', 'import importlib.util, sys; sys.exit(0 if importlib.util.find_spec(sys.argv[1]) else 1)', name], { stdio: 'ignore' }).status === 0,
  postgres: () => {
    const base = '/usr/lib/postgresql';
    if (!existsSync(base)) return false;
    return readdirSync(base).some((v) => existsSync(join(base, v, 'bin', 'initdb')) && existsSync(join(base, v, 'bin', 'pg_ctl')));
  },
};

/**
 * Runs commands for real; apt-get runs noninteractive, with its chatter on stdout dropped and
 * its errors on stderr shown.
 * @type {import('./preflight.d.mts').Runner}
 */
export const systemRunner = (cmd, args) =>
  spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }).status === 0;

/** @param {import('./preflight.d.mts').Probe} probe */
export function missingRequirements(probe, requirements = REQUIREMENTS) {
  return requirements.filter((r) => !r.present(probe));
}

/** @param {import('./preflight.d.mts').Requirement[]} missing */
export function installLine(missing) {
  return `sudo apt-get install -y --no-install-recommends ${[...new Set(missing.map((r) => r.pkg))].join(' ')}`;
}

/**
 * "install it with: …" or "install them with: …", by the number of packages.
 * @param {import('./preflight.d.mts').Requirement[]} missing
 */
function installAdvice(missing) {
  return `install ${new Set(missing.map((r) => r.pkg)).size === 1 ? 'it' : 'them'} with: ${installLine(missing)}`;
}

/**
 * Checks, installs where it may (as root with apt-get, unless `install` is false), and says what happened. Returns the exit code: 0 when
 * everything is there (or was installed), 1 otherwise, with one sentence in `log`.
 * @param {import('./preflight.d.mts').PreflightOptions} [options]
 * @returns {number}
 */
export function preflight({ probe = systemProbe, run = systemRunner, log = console.log, requirements = REQUIREMENTS, install = true } = {}) {
  const missing = missingRequirements(probe, requirements);
  if (missing.length === 0) return 0;
  const names = missing.map((r) => r.what).join(', ');
  if (!install || !probe.isRoot() || !probe.command('apt-get')) {
    log(`npm test stopped before running anything: this machine lacks ${names}; ${installAdvice(missing)}`);
    return 1;
  }
  const packages = [...new Set(missing.map((r) => r.pkg))];
  log(`npm test preflight: installing ${packages.join(' ')} (missing: ${names})`);
  // Judged by probing again, not by apt-get's exit codes: an `update` that fails on one mirror
  // can still leave the packages installable.
  run('apt-get', ['update', '-qq']);
  run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages]);
  // The packages start their own services; the tests start private instances on free ports.
  for (const service of new Set(missing.flatMap((r) => (r.service ? [r.service] : [])))) run('service', [service, 'stop']);
  const still = missingRequirements(probe, requirements);
  if (still.length > 0) {
    log(`npm test stopped before running anything: apt-get did not install ${still.map((r) => r.what).join(', ')} (see its errors above); ${installAdvice(still)}`);
    return 1;
  }
  return 0;
}

// `node test/preflight.mjs [--check]`: --check only reports, even as root.
if (process.argv[1] === fileURLToPath(import.meta.url)) process.exit(preflight({ install: !process.argv.includes('--check') }));
