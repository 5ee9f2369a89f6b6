// On the real fixture files (test/fixtures/envs), read by a test helper: the code under test stays pure.
import { describe, expect, it } from 'vitest';
import { logicalLines, parseRequirements } from './requirements-file.ts';
import { EnvParseError, pinnedVersion, type Requirement } from './types.ts';
import { envFixture as fixture } from '../../../test/helpers/repro-details.ts';

const parse = (path: string) => parseRequirements(fixture(path), path);
const byName = (reqs: Requirement[], name: string) => reqs.find((r) => r.name === name)!;
const errorOf = (text: string, file = 'requirements.txt'): EnvParseError => {
  try {
    parseRequirements(text, file);
  } catch (err) {
    if (err instanceof EnvParseError) return err;
    throw err;
  }
  throw new Error(`parsed: ${JSON.stringify(text)}`);
};

describe('parseRequirements on real files', () => {
  it('reads both pip freeze outputs, one pinned requirement per line', () => {
    for (const [path, lines] of [['pip-freeze-local.txt', 101], ['pip-freeze-system-python3.txt', 146]] as const) {
      const { requirements, options, references } = parse(path);
      expect(requirements).toHaveLength(lines);
      expect(options).toEqual([]);
      expect(references).toEqual([]);
      expect(requirements.every((r) => pinnedVersion(r) !== undefined && r.source.kind === 'index')).toBe(true);
    }
    const local = parse('pip-freeze-local.txt').requirements;
    expect(byName(local, 'typing_extensions')).toMatchObject({ key: 'typing-extensions', specs: [{ op: '==', version: '4.15.0' }], line: 96 });
    expect(byName(local, 'Flask')).toMatchObject({ key: 'flask', line: 24 });
    const system = parse('pip-freeze-system-python3.txt').requirements;
    expect(pinnedVersion(byName(system, 'dask'))).toBe('2022.12.1+dfsg');
    expect(byName(system, 'lazr.restfulclient').key).toBe('lazr-restfulclient');
  });

  it("keeps whisper's environment marker as written", () => {
    const triton = byName(parse('openai__whisper/requirements.txt').requirements, 'triton');
    expect(triton).toMatchObject({
      specs: [{ op: '>=', version: '2.0.0' }],
      marker: 'platform_machine=="x86_64" and sys_platform=="linux" or sys_platform=="linux2"',
      line: 7,
    });
  });

  it("reads alpaca-lora's extras and its bare git+https line (named after the repository)", () => {
    const { requirements } = parse('tloen__alpaca-lora/requirements.txt');
    expect(requirements).toHaveLength(12);
    expect(requirements.filter((r) => r.key === 'black').map((r) => r.extras)).toEqual([[], ['jupyter']]);
    expect(byName(requirements, 'peft')).toMatchObject({
      nameFrom: 'url', editable: false, line: 9,
      source: { kind: 'vcs', vcs: 'git', url: 'git+https://github.com/huggingface/peft.git' },
    });
    expect(byName(requirements, 'transformers').specs).toEqual([{ op: '>=', version: '4.28.0' }]);
  });

  it('skips comment-only and commented-out lines and trailing comments (lightning-hydra-template)', () => {
    const { requirements } = parse('ashleve__lightning-hydra-template/requirements.txt');
    expect(requirements.map((r) => r.name)).toEqual([
      'torch', 'torchvision', 'lightning', 'torchmetrics', 'hydra-core', 'hydra-colorlog', 'hydra-optuna-sweeper', 'rootutils', 'pre-commit', 'rich', 'pytest',
    ]);
    expect(byName(requirements, 'rootutils').line).toBe(20);
  });

  it('reads the requirements.txt MLflow writes beside a model', () => {
    const { requirements } = parse('mlflow__mlflow/tests/resources/example_mlflow_2.12_langchain_model/requirements.txt');
    expect(byName(requirements, 'mlflow')).toMatchObject({ extras: ['gateway'], specs: [{ op: '==', version: '2.12.2' }] });
    expect(pinnedVersion(byName(requirements, 'databricks-rag-studio'))).toBe('0.2.0.dev0');
  });
});

describe('parseRequirements: the forms pip accepts', () => {
  it('joins \\ continuations (line number of the first part) and keeps #egg= fragments', () => {
    const text = 'numpy==1.26.4 \\\n    --hash=sha256:aaa \\\n    --hash=sha256:bbb\n-e git+https://github.com/openai/CLIP.git@main#egg=clip # pinned\n';
    expect(logicalLines(text)).toEqual([
      { line: 1, text: 'numpy==1.26.4     --hash=sha256:aaa     --hash=sha256:bbb' },
      { line: 4, text: '-e git+https://github.com/openai/CLIP.git@main#egg=clip' },
    ]);
    const [numpy, clip] = parseRequirements(text, 'r.txt').requirements;
    expect(numpy).toMatchObject({ hashes: ['sha256:aaa', 'sha256:bbb'], line: 1 });
    expect(clip).toMatchObject({ name: 'clip', nameFrom: 'egg', editable: true, source: { kind: 'vcs', ref: 'main' }, line: 4 });
  });

  it('records -r, -c and index options without following them', () => {
    const file = parseRequirements('-r base.txt\n--constraint=c.txt\n-i https://pypi.example/simple\n--extra-index-url https://x/simple --pre\n--no-index\n', 'r.txt');
    expect(file.references).toEqual([{ kind: 'requirements', path: 'base.txt', line: 1 }, { kind: 'constraints', path: 'c.txt', line: 2 }]);
    expect(file.options).toEqual([
      { name: '--index-url', value: 'https://pypi.example/simple', line: 3 },
      { name: '--extra-index-url', value: 'https://x/simple', line: 4 },
      { name: '--pre', line: 4 },
      { name: '--no-index', line: 5 },
    ]);
    expect(file.requirements).toEqual([]);
  });

  it('reads name @ url, wheel URLs, local paths with extras and parenthesized specifiers', () => {
    const text = [
      'torch @ https://download.example/whl/torch-2.1.0%2Bcu118-cp311-cp311-linux_x86_64.whl ; sys_platform == "linux"',
      'mypkg @ git+ssh://git@github.com/org/mypkg.git@v1.2.0',
      '-e .[dev,test]',
      './vendor/tool-0.3.1.tar.gz',
      'tiny_pkg-1.0-py3-none-any.whl',
      'requests (>=2.0, <3)',
      'pkg[ a , b ]~=1.4.2',
    ].join('\n');
    const [torch, mypkg, local, tool, wheel, requests, pkg] = parseRequirements(text, 'r.txt').requirements;
    expect(torch).toMatchObject({ name: 'torch', marker: 'sys_platform == "linux"', source: { kind: 'url', version: '2.1.0+cu118' } });
    expect(pinnedVersion(torch!)).toBe('2.1.0+cu118');
    expect(mypkg).toMatchObject({ name: 'mypkg', nameFrom: 'declared', source: { kind: 'vcs', url: 'git+ssh://git@github.com/org/mypkg.git@v1.2.0', ref: 'v1.2.0' } });
    expect(local).toMatchObject({ name: '.', key: '.', nameFrom: 'path', editable: true, extras: ['dev', 'test'], source: { kind: 'path', path: '.' } });
    expect(tool).toMatchObject({ name: 'tool', nameFrom: 'url', source: { kind: 'path', path: './vendor/tool-0.3.1.tar.gz' } });
    expect(wheel).toMatchObject({ name: 'tiny_pkg', key: 'tiny-pkg', source: { kind: 'path', path: 'tiny_pkg-1.0-py3-none-any.whl' } });
    expect(requests!.specs).toEqual([{ op: '>=', version: '2.0' }, { op: '<', version: '3' }]);
    expect(pkg).toMatchObject({ extras: ['a', 'b'], specs: [{ op: '~=', version: '1.4.2' }] });
  });
});

describe('parseRequirements: lines pip would refuse', () => {
  it('names the file and the line, with what is wrong', () => {
    const cases: [string, string][] = [
      ['numpy==1.0\nscipy=1.2\n', 'r.txt, line 2: cannot read "scipy=1.2": expected a version specifier such as ==1.0 or >=2, found "=1.2"'],
      ['a\n\n# c\ntorch>=2.0;python_version >> "3"\n', 'r.txt, line 4: cannot read "torch>=2.0;python_version >> "3"": malformed marker "python_version >> "3""'],
      ['x==1 ; os_nam == "nt"\n', 'r.txt, line 1: cannot read "x==1 ; os_nam == "nt"": unknown marker variable "os_nam"'],
      ['pandas[excel==2\n', 'r.txt, line 1: cannot read "pandas[excel==2": unclosed "[" in the extras of pandas'],
      ['--index-urll https://x\n', 'r.txt, line 1: unknown pip option --index-urll'],
      ['numpy\n-r\n', 'r.txt, line 2: --requirement needs a value'],
      ['-e numpy==1.0\n', 'r.txt, line 1: -e numpy==1.0: an editable requirement is a local folder or a VCS URL (git+https://…)'],
      ['torch>=2.*\n', 'r.txt, line 1: cannot read "torch>=2.*": a wildcard version only goes with == or != (found >=2.*)'],
      ['numpy \\\n  ==1.0 \\\n  ~~2\n', 'r.txt, line 1: cannot read "numpy ==1.0 ~~2": expected a version specifier such as ==1.0 or >=2, found "==1.0 ~~2"'],
    ];
    for (const [text, message] of cases) expect(errorOf(text, 'r.txt').message).toBe(message);
    expect(errorOf('ok\n!!\n')).toMatchObject({ file: 'requirements.txt', line: 2 });
  });
});
