/**
 * `npm test`'s preflight (test/preflight.mjs): which packages a machine lacks, the one sentence
 * it prints, its exit code, and what it runs as root with apt-get. The machine is a fake probe
 * whose packages appear when the fake apt-get "installs" them, so nothing is installed here; the
 * real probes are checked against things this machine does and does not have.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { type Probe, REQUIREMENTS, installLine, missingRequirements, preflight, systemProbe } from './preflight.mjs';

const NOTEBOOK_TOOLS = ['python3-nbformat', 'python3-nbconvert', 'python3-ipykernel', 'python3-matplotlib'];
const ALL = ['chromium', 'python3-numpy', 'python3-scipy', 'python3-pandas', 'python3-sklearn', ...NOTEBOOK_TOOLS, 'redis-server', 'postgresql', 'git'];

/** A Debian machine that has `installed` and grows whatever a successful `apt-get install` names. */
function machine(opts: { installed: string[]; root: boolean; apt?: boolean; env?: Record<string, string>; aptFails?: string[]; files?: string[] }) {
  const installed = new Set(opts.installed);
  const runs: string[] = [];
  const log: string[] = [];
  const probe: Probe = {
    env: opts.env ?? {},
    isRoot: () => opts.root,
    file: (path) => (path === '/usr/bin/chromium' ? installed.has('chromium') : (opts.files ?? []).includes(path)),
    command: (name) => (name === 'apt-get' ? opts.apt !== false : installed.has(name)),
    pythonModule: (name) => installed.has(`python3-${name}`),
    postgres: () => installed.has('postgresql'),
  };
  const run = (cmd: string, args: string[]) => {
    runs.push([cmd, ...args].join(' '));
    if (cmd === 'apt-get' && args.includes('install')) {
      for (const p of args.filter((a) => !a.startsWith('-') && a !== 'install')) if (!(opts.aptFails ?? []).includes(p)) installed.add(p);
    }
    return true;
  };
  const code = () => preflight({ probe, run, log: (line) => log.push(line) });
  return { code, runs, log, installed };
}

describe('preflight', () => {
  it('passes silently and runs nothing when every package is there', () => {
    const m = machine({ installed: ALL, root: true });
    expect(m.code()).toBe(0);
    expect(m.runs).toEqual([]);
    expect(m.log).toEqual([]);
  });

  it('names each missing thing once and prints the one install line, without root: exit 1, nothing run', () => {
    const m = machine({ installed: ['chromium', 'python3-numpy', ...NOTEBOOK_TOOLS, 'postgresql', 'git'], root: false });
    expect(m.code()).toBe(1);
    expect(m.runs).toEqual([]);
    expect(m.log).toEqual([
      'npm test stopped before running anything: this machine lacks SciPy for /usr/bin/python3 (statistics oracles), ' +
        'pandas for /usr/bin/python3 (dataset oracles), scikit-learn for /usr/bin/python3 (performance-estimation oracles), redis-server (scale-out tests); ' +
        'install them with: sudo apt-get install -y --no-install-recommends python3-scipy python3-pandas python3-sklearn redis-server',
    ]);
  });

  it('does not try to install as root where there is no apt-get', () => {
    const m = machine({ installed: ALL.filter((p) => p !== 'postgresql'), root: true, apt: false });
    expect(m.code()).toBe(1);
    expect(m.runs).toEqual([]);
    expect(m.log[0]).toMatch(/lacks PostgreSQL \(scale-out and store tests\); install it with: sudo apt-get install -y --no-install-recommends postgresql$/);
  });

  it('as root with apt-get: updates once, installs only what is missing, stops the services those packages started', () => {
    const m = machine({ installed: ['chromium', ...NOTEBOOK_TOOLS, 'git'], root: true });
    expect(m.code()).toBe(0);
    expect(m.runs).toEqual([
      'apt-get update -qq',
      'apt-get install -y -qq --no-install-recommends python3-numpy python3-scipy python3-pandas python3-sklearn redis-server postgresql',
      'service redis-server stop',
      'service postgresql stop',
    ]);
    expect(m.log).toEqual(['npm test preflight: installing python3-numpy python3-scipy python3-pandas python3-sklearn redis-server postgresql (missing: ' +
      'NumPy for /usr/bin/python3 (statistics oracles), SciPy for /usr/bin/python3 (statistics oracles), pandas for /usr/bin/python3 (dataset oracles), ' +
      'scikit-learn for /usr/bin/python3 (performance-estimation oracles), ' +
      'redis-server (scale-out tests), PostgreSQL (scale-out and store tests))']);
  });

  it('stops no service for packages that start none', () => {
    const m = machine({ installed: ALL.filter((p) => p !== 'python3-scipy'), root: true });
    expect(m.code()).toBe(0);
    expect(m.runs).toEqual(['apt-get update -qq', 'apt-get install -y -qq --no-install-recommends python3-scipy']);
  });

  it('stops with the install line for what apt-get could not install', () => {
    const m = machine({ installed: ALL.filter((p) => p !== 'chromium' && p !== 'git'), root: true, aptFails: ['chromium'] });
    expect(m.code()).toBe(1);
    expect(m.installed.has('git')).toBe(true);
    expect(m.log.at(-1)).toBe(
      'npm test stopped before running anything: apt-get did not install Chromium at /usr/bin/chromium or $CHROMIUM_PATH (end-to-end tests) (see its errors above); ' +
        'install it with: sudo apt-get install -y --no-install-recommends chromium',
    );
  });

  it('takes CHROMIUM_PATH instead of the chromium package when it points at a file', () => {
    const others = ALL.filter((p) => p !== 'chromium');
    expect(machine({ installed: others, root: false, env: { CHROMIUM_PATH: '/opt/chrome/chrome' }, files: ['/opt/chrome/chrome'] }).code()).toBe(0);
    const wrong = machine({ installed: ALL, root: false, env: { CHROMIUM_PATH: '/opt/chrome/missing' } });
    expect(wrong.code()).toBe(1);
    expect(wrong.log[0]).toContain('lacks Chromium at /usr/bin/chromium or $CHROMIUM_PATH (end-to-end tests)');
  });

  it('covers every package .ci/run used to install', () => {
    expect(REQUIREMENTS.map((r) => r.pkg)).toEqual(expect.arrayContaining(['chromium', 'python3-scipy', 'python3-numpy', 'python3-pandas', 'python3-sklearn', 'redis-server', 'postgresql']));
  });
});

describe('the real probes', () => {
  it('see what this machine has and does not have', () => {
    expect(systemProbe.command('sh')).toBe(true);
    expect(systemProbe.command('driftdesk-no-such-command')).toBe(false);
    expect(systemProbe.file(process.execPath)).toBe(true);
    expect(systemProbe.file('/driftdesk-no-such-file')).toBe(false);
    expect(systemProbe.pythonModule('json')).toBe(true);
    expect(systemProbe.pythonModule('driftdesk_no_such_module')).toBe(false);
    expect(systemProbe.isRoot()).toBe(execFileSync('id', ['-u']).toString().trim() === '0');
  });

  it('run as a script with --check, reports this machine without installing anything', () => {
    const missing = missingRequirements(systemProbe);
    const run = spawnSync(process.execPath, ['test/preflight.mjs', '--check'], { encoding: 'utf8' });
    expect(run.stdout).toBe(missing.length === 0 ? '' : `npm test stopped before running anything: this machine lacks ${missing.map((r) => r.what).join(', ')}; install ${missing.length === 1 ? 'it' : 'them'} with: ${installLine(missing)}\n`);
    expect(run.status).toBe(missing.length === 0 ? 0 : 1);
  });

  it('--check never installs, even as root', () => {
    const m = { runs: [] as string[], log: [] as string[] };
    const probe = { ...systemProbe, isRoot: () => true, command: (name: string) => name === 'apt-get', pythonModule: () => false, file: () => false, postgres: () => false };
    const code = preflight({ probe, install: false, run: (cmd, args) => (m.runs.push([cmd, ...args].join(' ')), true), log: (l) => m.log.push(l) });
    expect(code).toBe(1);
    expect(m.runs).toEqual([]);
    expect(m.log[0]).toContain('install them with: sudo apt-get install -y --no-install-recommends chromium python3-numpy python3-scipy python3-pandas python3-sklearn python3-nbformat python3-nbconvert python3-ipykernel python3-matplotlib redis-server postgresql git');
  });
});
