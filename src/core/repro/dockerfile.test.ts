// reproFiles on real environment fixtures, and the generated shell run with sh in a temp folder.
// Only the test uses node:* (src/core/tsconfig.json leaves *.test.ts out); reproFiles stays pure.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MICROMAMBA_IMAGE, reproFiles, shQuote } from './index.ts';
import type { DataVersionRef } from '../workspace/index.ts';
import { detail, envFile } from '../../../test/helpers/repro-details.ts';

const INSTRUCTION = /^(FROM|RUN|WORKDIR|COPY|USER|ARG) /;
/** Every line of a Dockerfile is blank, a comment, or one of the instructions the generator writes. */
const instructions = (dockerfile: string) => dockerfile.split('\n').filter((l) => l !== '' && !l.startsWith('#'));

const temps: string[] = [];
afterEach(() => {
  for (const t of temps.splice(0)) rmSync(t, { recursive: true, force: true });
});

/** A folder with stub `curl`, `dvc` and `git` that log their arguments (one per line, `@@end` after each call). */
function sandbox(): { dir: string; work: string; log: () => string[][]; env: NodeJS.ProcessEnv } {
  const dir = mkdtempSync(join(tmpdir(), 'dd-repro-sh-'));
  temps.push(dir);
  const bin = join(dir, 'bin');
  const work = join(dir, 'work');
  mkdirSync(bin);
  mkdirSync(work);
  const logFile = join(dir, 'calls.log');
  const stub = (name: string, extra = '') =>
    writeFileSync(join(bin, name), `#!/bin/sh\n{ echo ${name}; for a in "$@"; do printf '%s\\n' "$a"; done; echo @@end; } >> ${shQuote(logFile)}\n${extra}`, { mode: 0o755 });
  // curl writes "hello\n" to its -o file, like a download of that content.
  stub('curl', 'while [ $# -gt 0 ]; do if [ "$1" = -o ]; then printf "hello\\n" > "$2"; fi; shift; done\n');
  stub('dvc');
  stub('git');
  chmodSync(bin, 0o755);
  const log = () => (existsSync(logFile) ? readFileSync(logFile, 'utf8').split('@@end\n').filter(Boolean).map((c) => c.trimEnd().split('\n')) : []);
  return { dir, work, log, env: { PATH: `${bin}:/usr/bin:/bin`, HOME: dir } };
}

const helloSha = createHash('sha256').update('hello\n').digest('hex');

describe('reproFiles', () => {
  it('builds a python image with the pinned requirements of an MLflow model (country-guess)', () => {
    const files = reproFiles(detail());
    expect(instructions(files.dockerfile).every((l) => INSTRUCTION.test(l))).toBe(true);
    expect(files.dockerfile).toContain('FROM python:3.12.8-slim\n');
    expect(files.dockerfile).toContain("RUN git clone -- 'https://github.com/JortdeJong13/country-guess.git' /work/code && git -C /work/code checkout '3ea7b47e1c2d3f4a5b6c7d8e9f0a1b2c3d4e5f60'\n");
    expect(files.dockerfile).toContain('RUN pip install --no-cache-dir -r requirements.txt\n');
    expect(files.requirements.split('\n').filter((l) => l && !l.startsWith('#'))).toEqual([
      'cloudpickle==3.1.0', 'dill==0.3.9', 'geopandas==1.0.1', 'mlflow==2.17.0', 'numpy==1.26.0', 'pandas==2.2.3', 'scikit-image==0.24.0', 'torch==2.5.1',
    ]);
    expect(files.fetchData).toContain("\ndvc pull -r 'storage' -- 'data/MNIST/raw'\n");
    // The only gap: the run did not record dvc, so the image installs whatever dvc is current.
    expect(files.warnings).toEqual(["dvc is not in the run's environment: the image installs the latest dvc"]);
    expect(reproFiles(detail())).toEqual(files);
  });

  it('uses micromamba for a conda environment and says what is not pinned (latent-diffusion)', () => {
    const files = reproFiles(detail({ code: { commit: '3ea7b47e', dirty: true }, dataVersions: [], environment: [envFile('conda', 'CompVis__latent-diffusion/environment.yaml', 'environment.yml')] }));
    expect(files.dockerfile).toContain(`FROM ${MICROMAMBA_IMAGE}\n`);
    expect(files.dockerfile).toContain("RUN micromamba install -y -n base -c 'pytorch' -c 'defaults' 'python=3.8.5' 'cudatoolkit=11.0' 'numpy=1.19.2' 'pip=20.3' 'pytorch=1.7.0' 'torchvision=0.8.1' && micromamba clean --all --yes\n");
    expect(files.dockerfile).toContain('RUN python -m pip install --no-cache-dir -r requirements.txt\n');
    expect(files.dockerfile).toContain('# - the working tree had uncommitted changes at 3ea7b47e: the checkout lacks them\n');
    expect(files.dockerfile).toContain('# Build from a checkout of commit 3ea7b47e.\nCOPY . /work/code\n');
    expect(files.requirements).toContain('# NOT PINNED: git+https://github.com/openai/CLIP.git@main is not pinned to a commit\nclip @ git+https://github.com/openai/CLIP.git@main\n');
    expect(files.requirements).toContain('# NOT PINNED: streamlit>=0.73.1 is a range, not a pin\nstreamlit>=0.73.1\n');
    expect(files.requirements).not.toMatch(/^(cudatoolkit|numpy)/m);
    expect(files.warnings).toContain('not pinned: conda pytorch=1.7.0 matches any 1.7.0.* release');
    expect(instructions(files.dockerfile).every((l) => INSTRUCTION.test(l))).toBe(true);
  });

  it('says when nothing was recorded', () => {
    const files = reproFiles(detail({ code: undefined, environment: [], dataVersions: [] }));
    expect(files.dockerfile).toContain('FROM python:3-slim\n');
    expect(files.warnings).toEqual([
      'no environment recorded: requirements.txt is empty, the image has only Python',
      'Python version not recorded: the image gets whatever Python 3 is current',
      'code version not recorded: the image copies the build context as it is',
    ]);
    expect(files.fetchData).toContain('# The run recorded no dataset versions: nothing to fetch.');
  });

  it('downloads url data and checks its sha256 with sha256sum (run with sh)', () => {
    const refs: DataVersionRef[] = [
      { name: 'holdout', kind: 'url', hash: helloSha, url: 'https://example.org/holdout.csv', path: 'data/holdout.csv' },
      { name: 'labels', kind: 'url', hash: createHash('md5').update('hello\n').digest('hex'), url: 'https://example.org/labels.csv' },
    ];
    const box = sandbox();
    writeFileSync(join(box.dir, 'fetch-data.sh'), reproFiles(detail({ dataVersions: refs })).fetchData);
    const out = execFileSync('sh', [join(box.dir, 'fetch-data.sh')], { cwd: box.work, env: box.env, encoding: 'utf8' });
    expect(out).toContain('data/holdout.csv: OK');
    expect(out).toContain('data/labels: OK');
    expect(box.log().map((c) => c.slice(0, 4))).toEqual([['curl', '-fL', '-o', 'data/holdout.csv'], ['curl', '-fL', '-o', 'data/labels']]);

    const wrong = sandbox();
    writeFileSync(join(wrong.dir, 'fetch-data.sh'), reproFiles(detail({ dataVersions: [{ ...refs[0]!, hash: 'f'.repeat(64) }] })).fetchData);
    const run = spawnSync('sh', [join(wrong.dir, 'fetch-data.sh')], { cwd: wrong.work, env: wrong.env, encoding: 'utf8' });
    expect(run.status).not.toBe(0);
    expect(run.stdout + run.stderr).toMatch(/FAILED/);
  });

  it('keeps quotes, $(…), backticks and newlines in run data from running as commands', () => {
    const evil = {
      path: "data/it's $(touch pwned-path) `touch pwned-tick`.csv",
      // (No spaces: a URL with a raw space is not a URL and is refused; ${IFS} does the shell's part.)
      url: "https://example.org/x?a=$(touch${IFS}pwned-url)&b='q'`touch${IFS}pwned-tick2`",
      remote: "s3'; touch pwned-remote; '",
      repo: "https://example.org/r.git';touch${IFS}pwned-repo;echo${IFS}'",
    };
    const refs: DataVersionRef[] = [
      { name: 'evil-url', kind: 'url', hash: helloSha, url: evil.url, path: evil.path },
      { name: 'evil-dvc', kind: 'dvc', hash: '8c257df187855c681f88bde92d721ccd.dir', path: 'data/`touch pwned-dvc`', remote: evil.remote },
      { name: 'newline', kind: 'url', hash: helloSha, url: 'https://example.org/a', path: 'data/a\ntouch pwned-newline' },
      { name: 'climb', kind: 'url', hash: helloSha, url: 'https://example.org/b', path: '../../outside.csv' },
      { name: 'option', kind: 'dvc', hash: '2a592caac70651d359b2331ff674beec', path: '-rf' },
    ];
    const files = reproFiles(detail({
      name: 'run\nRUN touch /pwned-name',
      params: { lr: "0.1'; touch pwned-param; '", 'note\nRUN touch /pwned-param-key': '$(touch pwned)\nRUN touch /pwned-value' },
      code: { repo: evil.repo, commit: '3ea7b47e1c2d3f4a5b6c7d8e9f0a1b2c3d4e5f60', entryPoint: 'train.py\nRUN touch /pwned-entry' },
      dataVersions: refs,
    }));
    // No injected Dockerfile instruction: every line is a comment or one the generator writes.
    expect(instructions(files.dockerfile).every((l) => INSTRUCTION.test(l) && !l.includes('pwned-name') && !l.includes('/pwned-'))).toBe(true);
    expect(files.dockerfile).toContain('#   note\\nRUN touch /pwned-param-key = $(touch pwned)\\nRUN touch /pwned-value\n');

    const box = sandbox();
    writeFileSync(join(box.dir, 'fetch-data.sh'), files.fetchData);
    const run = spawnSync('sh', [join(box.dir, 'fetch-data.sh')], { cwd: box.work, env: box.env, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain(`${evil.path}: OK`);
    // The stubs got the hostile text as plain arguments; nothing else ran.
    expect(box.log()).toEqual([
      ['curl', '-fL', '-o', evil.path, evil.url],
      ['dvc', 'pull', '-r', evil.remote, '--', 'data/`touch pwned-dvc`'],
      ['dvc', 'pull', '--', './-rf'],
    ]);
    // The git clone line, run by sh as docker would, hands git the URL as one argument.
    const clone = files.dockerfile.split('\n').find((l) => l.startsWith('RUN git clone '))!.slice('RUN '.length);
    execFileSync('sh', ['-c', clone], { cwd: box.work, env: box.env });
    expect(box.log().at(-2)).toEqual(['git', 'clone', '--', evil.repo, '/work/code']);
    expect(readdirSync(box.work).filter((f) => f.includes('pwned'))).toEqual([]);
    // The one file written is the download, under its literal (hostile) name.
    expect(readdirSync(join(box.work, 'data'))).toEqual([evil.path.slice('data/'.length)]);
    expect(files.warnings).toContain('data: newline: its path is absolute, leaves the folder (..) or holds a control character');
    expect(files.warnings).toContain('data: climb: its path is absolute, leaves the folder (..) or holds a control character');
    expect(files.fetchData).toContain('# SKIPPED newline: ');
  });

  it('refuses a repository URL with a newline and a commit that is not a revision', () => {
    const files = reproFiles(detail({ code: { repo: 'https://x/r.git\nRUN touch /pwned', commit: 'abc; touch pwned' } }));
    expect(files.dockerfile).not.toContain('git clone');
    expect(instructions(files.dockerfile).every((l) => INSTRUCTION.test(l) && !l.includes('pwned'))).toBe(true);
    expect(files.warnings).toContain('code commit "abc; touch pwned" is not a git commit hash; not checked out');
  });

  it('never hands git, dvc or curl an option disguised as a URL or a commit', () => {
    const files = reproFiles(detail({
      code: { repo: '--upload-pack=touch /tmp/pwned', commit: '--output=/tmp/pwned' },
      dataVersions: [
        { name: 'curl-config', kind: 'url', hash: helloSha, url: '-K./x.cfg', path: 'data/a.csv' },
        { name: 'file-url', kind: 'url', hash: helloSha, url: 'file:///etc/passwd', path: 'data/b.csv' },
        { name: 'dvc-get', kind: 'dvc', hash: '2a592caac70651d359b2331ff674beec', url: '--help', path: 'data/c' },
      ],
    }));
    expect(files.dockerfile).not.toContain('git clone');
    expect(files.dockerfile).not.toContain('upload-pack=touch /tmp/pwned\n');
    expect(instructions(files.dockerfile).some((l) => l.includes('--output'))).toBe(false);
    expect(files.fetchData).not.toMatch(/^(curl|dvc get) /m);
    expect(files.warnings).toEqual(expect.arrayContaining([
      'code commit "--output=/tmp/pwned" is not a git commit hash; not checked out',
      'repository "--upload-pack=touch /tmp/pwned" is not an https, ssh or git URL; not cloned',
    ]));
    expect(files.fetchData).toContain('# SKIPPED curl-config: its URL is not an http or https URL');
    expect(files.fetchData).toContain('# SKIPPED file-url: its URL is not an http or https URL');
    expect(files.fetchData).toContain('# SKIPPED dvc-get: its repository is not an https, ssh or git URL');
  });
});
