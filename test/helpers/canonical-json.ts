/**
 * JSON with every object's keys sorted. A Y.Map's `toJSON()` lists keys in the order its entries
 * were integrated, which differs between two docs that hold the same entries (one loaded from a
 * merged update, one that took them one by one): compare docs through this, not JSON.stringify.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sorted(value));
}

function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => [k, sorted(v)]));
}
