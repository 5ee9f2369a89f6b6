/**
 * Avatar and cursor colours: twelve colours, far apart in hue and all dark enough for a white
 * initial, given to members in the order they joined — so the first twelve members of a
 * workspace each have their own, and every window picks the same one for the same person (the
 * members list is the same everywhere; a hash of the id, as before, gave two of five people the
 * same colour).
 */
export const MEMBER_COLORS = [
  '#2563eb', '#16a34a', '#db2777', '#d97706', '#7c3aed', '#0891b2',
  '#dc2626', '#4d7c0f', '#9333ea', '#0f766e', '#b45309', '#475569',
] as const;

/** The colour of a member, by when they joined; a hash of the id for someone not listed (yet). */
export function memberColor(memberId: string, members: readonly { id: string; joinedAt: number }[]): string {
  const order = [...members].sort((a, b) => a.joinedAt - b.joinedAt || a.id.localeCompare(b.id));
  const index = order.findIndex((m) => m.id === memberId);
  return MEMBER_COLORS[(index >= 0 ? index : hash(memberId)) % MEMBER_COLORS.length]!;
}

function hash(text: string): number {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (h * 31 + text.charCodeAt(i)) >>> 0;
  return h;
}
