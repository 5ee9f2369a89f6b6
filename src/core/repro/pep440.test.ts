import { describe, expect, it } from 'vitest';
import { classifyVersionChange, compareVersions, formatVersion, parseVersion } from './pep440.ts';

const v = (text: string) => {
  const parsed = parseVersion(text);
  if (!parsed) throw new Error(`not PEP 440: ${text}`);
  return parsed;
};

describe('PEP 440 versions', () => {
  // PEP 440, "Summary of permitted suffixes and relative ordering", in the PEP's order, with
  // an epoch'd version added at the end. packaging 26.2 sorts this list the same way.
  const PEP_ORDER = [
    '1.dev0', '1.0.dev456', '1.0a1', '1.0a2.dev456', '1.0a12.dev456', '1.0a12', '1.0b1.dev456', '1.0b2',
    '1.0b2.post345.dev456', '1.0b2.post345', '1.0rc1.dev456', '1.0rc1', '1.0', '1.0+abc.5', '1.0+abc.7', '1.0+5',
    '1.0.post456.dev34', '1.0.post456', '1.0.15', '1.1.dev1', '1!0.5',
  ];

  it("orders the PEP's example list, every pair both ways", () => {
    for (let i = 0; i < PEP_ORDER.length; i++) {
      for (let j = 0; j < PEP_ORDER.length; j++) {
        const expected = Math.sign(i - j);
        expect(Math.sign(compareVersions(v(PEP_ORDER[i]!), v(PEP_ORDER[j]!))), `${PEP_ORDER[i]} vs ${PEP_ORDER[j]}`).toBe(expected);
      }
    }
  });

  it('normalizes the spellings the PEP allows (outputs match packaging.version.Version)', () => {
    const cases: [string, string][] = [
      ['1.0-ALPHA.1', '1.0a1'], ['1.1.a1', '1.1a1'], ['1.0a.1', '1.0a1'], ['1.2a', '1.2a0'], ['1.0c1', '1.0rc1'],
      ['1.0preview2', '1.0rc2'], ['1.0-r4', '1.0.post4'], ['1.0-1', '1.0.post1'], ['1.0.post', '1.0.post0'],
      ['1.2-dev2', '1.2.dev2'], ['v2.0', '2.0'], [' 1.0 ', '1.0'], ['1.0+ubuntu-1', '1.0+ubuntu.1'],
      ['1!2.0.0rc1.post2.dev3+local.7.ABC', '1!2.0.0rc1.post2.dev3+local.7.abc'], ['2022.12.1+dfsg', '2022.12.1+dfsg'],
    ];
    for (const [text, normal] of cases) expect(formatVersion(v(text)), text).toBe(normal);
  });

  it('treats trailing zeros as equal and local segments as the PEP says', () => {
    expect(compareVersions(v('1.0'), v('1.0.0'))).toBe(0);
    expect(compareVersions(v('1.0+abc'), v('1.0+1'))).toBeLessThan(0); // numeric segment beats text
    expect(compareVersions(v('1.0+ubuntu.1'), v('1.0+ubuntu.1.1'))).toBeLessThan(0); // longer wins
    expect(compareVersions(v('1.13.1'), v('1.13.1+cu117'))).toBeLessThan(0);
    expect(compareVersions(v('1!1.0'), v('2.0'))).toBeGreaterThan(0);
  });

  it('rejects what is not a version: wildcards, commit hashes, empty text', () => {
    for (const text of ['2.*', 'master', 'a506df5', '', '1.0+', '1..0', '=1.0']) expect(parseVersion(text), text).toBeNull();
  });
});

describe('classifyVersionChange', () => {
  it('names the first of the first three release numbers that differs', () => {
    expect(classifyVersionChange('1.13.1', '2.5.1')).toEqual({ level: 'major', direction: 'upgrade' });
    expect(classifyVersionChange('2.7.1', '2.8.1')).toEqual({ level: 'minor', direction: 'upgrade' });
    expect(classifyVersionChange('1.24.2', '1.24.1')).toEqual({ level: 'patch', direction: 'downgrade' });
    expect(classifyVersionChange('4.1.2.30', '4.1.2.31')).toEqual({ level: 'patch', direction: 'upgrade' });
    expect(classifyVersionChange('3.10', '3.10.12')).toEqual({ level: 'patch', direction: 'upgrade' });
    expect(classifyVersionChange('1!1.0', '2.0')).toEqual({ level: 'major', direction: 'downgrade' });
  });

  it('calls a change outside the release segment other, and equal versions no change', () => {
    expect(classifyVersionChange('2.0.0rc1', '2.0.0')).toEqual({ level: 'other', direction: 'upgrade' });
    expect(classifyVersionChange('1.13.1', '1.13.1+cu117')).toEqual({ level: 'other', direction: 'upgrade' });
    expect(classifyVersionChange('0.7.0', '0.7.0.post0')).toEqual({ level: 'other', direction: 'upgrade' });
    expect(classifyVersionChange('2.0', '2.0.0')).toBeNull();
    expect(classifyVersionChange('1.0a1', '1.0-alpha.1')).toBeNull();
  });

  it('compares non-PEP 440 text as text', () => {
    expect(classifyVersionChange('master', 'main')).toEqual({ level: 'other', direction: 'unknown' });
    expect(classifyVersionChange('2.*', '2.*')).toBeNull();
  });
});
