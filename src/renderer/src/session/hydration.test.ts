import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { batchUpdates, beginHydration, endHydration, isHydrating, onHydrated } from './hydration';

const bytes = (n: number) => new Uint8Array(n);

describe('batchUpdates', () => {
  it('groups updates in order up to the limit, a larger one alone', () => {
    const [a, b, c, d, e] = [bytes(100), bytes(300), bytes(700), bytes(50), bytes(60)];
    const batches = batchUpdates([a!, b!, c!, d!, e!], 500);
    expect(batches).toEqual([[a, b], [c], [d, e]]);
    expect(batches.flat()).toHaveLength(5);
    expect(batchUpdates([], 500)).toEqual([]);
  });
});

describe('hydration', () => {
  it('says when a doc is hydrating and tells listeners once at its end', () => {
    const doc = new Y.Doc();
    let calls = 0;
    const stop = onHydrated(doc, () => calls++);
    expect(isHydrating(doc)).toBe(false);
    beginHydration(doc);
    expect(isHydrating(doc)).toBe(true);
    endHydration(doc);
    expect(isHydrating(doc)).toBe(false);
    endHydration(doc); // not hydrating: no second call
    expect(calls).toBe(1);
    stop();
    beginHydration(doc);
    endHydration(doc);
    expect(calls).toBe(1);
  });
});
