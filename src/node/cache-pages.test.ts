import { describe, expect, it } from 'vitest';
import { CachePages, cutPages } from './cache-pages.ts';

const bytes = (...sizes: number[]) => sizes.map((n, i) => new Uint8Array(n).fill(i + 1));

describe('cutPages', () => {
  it('keeps the order, fills each page up to the limit, and gives an oversized update a page alone', () => {
    const updates = bytes(3, 4, 2, 9, 1, 1);
    const pages = cutPages(updates, 8);
    expect(pages.map((p) => p.map((u) => u.length))).toEqual([[3, 4], [2], [9], [1, 1]]);
    expect(pages.flat()).toEqual(updates);
    expect(cutPages([], 8)).toEqual([[]]);
  });
});

describe('CachePages', () => {
  it('answers a small state at once, with nothing held', () => {
    const pages = new CachePages(() => 0, 10);
    expect(pages.begin(bytes(4, 5), 'a')).toEqual({ updates: bytes(4, 5), totalBytes: 9 });
    expect(pages.size).toBe(0);
  });

  it('hands the rest page by page to the caller that began the load, then forgets it', () => {
    const pages = new CachePages(() => 0, 10);
    const updates = bytes(6, 6, 6, 6, 6);
    const first = pages.begin(updates, 'a');
    expect(first.totalBytes).toBe(30);
    expect(first.more?.pages).toBe(5);
    expect(first.more?.loadId).toMatch(/^[0-9a-f]{32}$/);
    const id = first.more!.loadId;
    expect(() => pages.page(id, 1, 'b')).toThrow(/no load .* for this window/);
    expect(() => pages.page(id, 0, 'a')).toThrow('has pages 1..4, not 0');
    expect(() => pages.page(id, 5, 'a')).toThrow('has pages 1..4, not 5');
    // Any order; the last page ends the load.
    const got = [first.updates, pages.page(id, 2, 'a'), pages.page(id, 1, 'a'), pages.page(id, 3, 'a')];
    expect(pages.size).toBe(1);
    got.push(pages.page(id, 4, 'a'));
    expect(pages.size).toBe(0);
    expect([got[0], got[2], got[1], got[3], got[4]].flat()).toEqual(updates);
    expect(() => pages.page(id, 1, 'a')).toThrow(/no load/);
  });

  it('drops a load left unfinished, and never holds more than a few', () => {
    let t = 0;
    const pages = new CachePages(() => t, 4);
    const ids = Array.from({ length: 10 }, () => pages.begin(bytes(4, 4), 'a').more!.loadId);
    expect(pages.size).toBe(4);
    expect(() => pages.page(ids[0]!, 1, 'a')).toThrow(/no load/);
    expect(pages.page(ids[9]!, 1, 'a')).toEqual(bytes(4, 4).slice(1));
    t = 121_000;
    expect(() => pages.page(ids[8]!, 1, 'a')).toThrow(/no load/);
    expect(pages.size).toBe(0);
  });
});
