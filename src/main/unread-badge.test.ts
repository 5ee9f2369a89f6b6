import { describe, expect, it } from 'vitest';
import { UnreadMentions, badgePlan } from './unread-badge.ts';

describe('unread mentions badge', () => {
  it('sums windows, counts a workspace open twice once, and drops closed windows', () => {
    const u = new UnreadMentions();
    expect(u.set('w1', 'ws_a', 3)).toBe(true);
    expect(u.set('w2', 'ws_b', 2)).toBe(true);
    expect(u.total()).toBe(5);
    expect(u.set('w3', 'ws_a', 3)).toBe(false);
    expect(u.total()).toBe(5);
    expect(u.remove('w2')).toBe(true);
    expect(u.total()).toBe(3);
    expect(u.set('w1', 'ws_a', 0)).toBe(true);
    expect(u.total()).toBe(0);
  });

  it('a window leaving its workspace stops counting, without zeroing another window on it', () => {
    const u = new UnreadMentions();
    u.set('w1', 'ws_a', 3);
    u.set('w2', 'ws_a', 3);
    u.set('w3', 'ws_b', 1);
    expect(u.set('w1', null, 0)).toBe(false);
    expect(u.total()).toBe(4);
    expect(u.set('w2', null, 0)).toBe(true);
    expect(u.total()).toBe(1);
  });

  it('is a count on macOS and Linux and an overlay with a description on Windows', () => {
    expect(badgePlan('darwin', 4)).toEqual({ kind: 'count', count: 4 });
    expect(badgePlan('linux', 0)).toEqual({ kind: 'count', count: 0 });
    expect(badgePlan('win32', 1)).toEqual({ kind: 'overlay', description: '1 unread mention' });
    expect(badgePlan('win32', 12)).toEqual({ kind: 'overlay', description: '12 unread mentions' });
    expect(badgePlan('win32', 0)).toEqual({ kind: 'overlay', description: null });
  });
});
