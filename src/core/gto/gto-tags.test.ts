import { describe, expect, it } from 'vitest';
import { GtoTagError, compareSemver, looksLikeGtoTag, parseGtoTag } from './gto-tags.ts';

describe('parseGtoTag', () => {
  it('reads every action of GTO’s grammar', () => {
    expect(parseGtoTag('churn@v3.0.0')).toEqual({ kind: 'register', artifact: 'churn', version: 'v3.0.0' });
    expect(parseGtoTag('churn@v3.0.0!')).toEqual({ kind: 'deregister', artifact: 'churn', version: 'v3.0.0' });
    expect(parseGtoTag('churn@v1.2.0-rc.1+build.5#7')).toEqual({ kind: 'register', artifact: 'churn', version: 'v1.2.0-rc.1+build.5', counter: 7 });
    expect(parseGtoTag('churn#prod#2')).toEqual({ kind: 'assign', artifact: 'churn', stage: 'prod', counter: 2 });
    expect(parseGtoTag('churn#prod')).toEqual({ kind: 'assign', artifact: 'churn', stage: 'prod' });
    expect(parseGtoTag('churn#prod!#3')).toEqual({ kind: 'unassign', artifact: 'churn', stage: 'prod', counter: 3 });
    expect(parseGtoTag('churn@deprecated#4')).toEqual({ kind: 'deprecate', artifact: 'churn', counter: 4 });
    expect(parseGtoTag('churn@created')).toEqual({ kind: 'create', artifact: 'churn' });
  });

  it('reads names with folders, slashes, dashes and underscores', () => {
    expect(parseGtoTag('models=churn@v0.1.0')).toEqual({ kind: 'register', artifact: 'models:churn', version: 'v0.1.0' });
    expect(parseGtoTag('cv-class/resnet_50#dev#12')).toEqual({ kind: 'assign', artifact: 'cv-class/resnet_50', stage: 'dev', counter: 12 });
    expect(parseGtoTag('a@v0.0.1')).toEqual({ kind: 'register', artifact: 'a', version: 'v0.0.1' });
  });

  it.each([
    ['churn@1.2.0', 'version "1.2.0" is not "v" followed by a semantic version'],
    ['churn@v1.2', 'version "v1.2" is not "v"'],
    ['churn@v01.2.0', 'version "v01.2.0"'],
    ['-churn@v1.0.0', 'artifact name "-churn" is not valid'],
    ['churn-@v1.0.0', 'artifact name "churn-" is not valid'],
    ['churn#prod#two', 'counter "two" is not a number'],
    ['churn#-prod#1', 'stage "-prod" is not valid'],
    ['churn#prod#1#2', 'too many "#"'],
    ['churn@v1.0.0#x', 'counter "x" is not a number'],
    ['churn@deprecated!', '"@deprecated" takes no "!"'],
    ['@v1.0.0', 'artifact name "" is not valid'],
  ])('refuses %s, naming the tag and the part that is wrong', (tag, reason) => {
    let error: unknown;
    try {
      parseGtoTag(tag);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(GtoTagError);
    expect((error as GtoTagError).tag).toBe(tag);
    expect((error as Error).message).toContain(JSON.stringify(tag));
    expect((error as Error).message).toContain(reason);
  });

  it('tells GTO tags from other tags', () => {
    expect(looksLikeGtoTag('v1.0.0')).toBe(false);
    expect(looksLikeGtoTag('release-2024')).toBe(false);
    expect(looksLikeGtoTag('churn@v1.0.0')).toBe(true);
    expect(looksLikeGtoTag('churn#prod')).toBe(true);
  });
});

describe('compareSemver', () => {
  it('orders as SemVer 2.0 does', () => {
    const sorted = ['v1.10.0', 'v1.2.0', 'v1.2.0-rc.1', 'v1.2.0-alpha', 'v1.2.0-rc.10', 'v0.9.9', 'v1.2.0-rc.2'].sort(compareSemver);
    expect(sorted).toEqual(['v0.9.9', 'v1.2.0-alpha', 'v1.2.0-rc.1', 'v1.2.0-rc.2', 'v1.2.0-rc.10', 'v1.2.0', 'v1.10.0']);
    expect(compareSemver('v1.0.0+build.1', 'v1.0.0')).toBe(0);
  });
});
