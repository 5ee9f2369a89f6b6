import { describe, expect, it } from 'vitest';
import { MEMBER_COLORS, memberColor } from './member-colors';

describe('memberColor', () => {
  it('gives twelve members twelve different colours, whatever their ids', () => {
    const members = Array.from({ length: 12 }, (_, i) => ({ id: `m_${(i * 7919) % 101}`, joinedAt: 1000 + i }));
    const colors = members.map((m) => memberColor(m.id, members));
    expect(new Set(colors).size).toBe(12);
    expect(new Set(MEMBER_COLORS).size).toBe(12);
  });

  it('is the same in every window: by join order, not by list order', () => {
    const a = [{ id: 'ada', joinedAt: 1 }, { id: 'bo', joinedAt: 2 }];
    expect(memberColor('bo', a)).toBe(memberColor('bo', [...a].reverse()));
    expect(memberColor('bo', a)).toBe(MEMBER_COLORS[1]);
  });

  it('still gives someone not listed yet a colour', () => {
    expect(MEMBER_COLORS).toContain(memberColor('new', []));
  });
});
