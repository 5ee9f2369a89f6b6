/**
 * Axis ticks a person can read: steps of 1, 2, 2.5 or 5 times a power of ten (the "nice
 * numbers" of Heckbert's Graphics Gems algorithm, as d3's `ticks` picks them), so a share axis
 * reads 0%, 2%, 4%, 6% rather than 0%, 2%, 3%, 5%, 6% (rounded thirds of the maximum).
 */
export function niceTicks(max: number, count = 5): number[] {
  if (!(max > 0) || !Number.isFinite(max)) return [0, 1];
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * power >= raw) ?? 10) * power;
  const ticks: number[] = [];
  for (let i = 0; i * step < max + step * 1e-9; i++) ticks.push(Number((i * step).toPrecision(12)));
  if (ticks[ticks.length - 1]! < max) ticks.push(Number((ticks.length * step).toPrecision(12)));
  return ticks;
}

/** Decimals a percentage label needs for ticks `step` apart (0.025 → 1: "2.5%"). */
export function percentDecimals(ticks: readonly number[]): number {
  const step = ticks.length > 1 ? ticks[1]! - ticks[0]! : 1;
  return Math.max(0, Math.ceil(-Math.log10(step * 100) - 1e-9) + (Number.isInteger(Number((step * 100).toPrecision(6))) ? 0 : 1));
}

/** A category label cut to `max` characters with an ellipsis (the full text goes in a tooltip). */
export function shortLabel(text: string, max = 14): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
