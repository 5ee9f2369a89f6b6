/**
 * Histograms with recharts (SVG; React sets its styles through the DOM, which our CSP
 * allows). Bars are labelled with their bin range for screen readers and tooltips.
 */
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { Histogram } from '../../../core/profile';
import { niceTicks, percentDecimals, shortLabel } from './chart-scale';

const REFERENCE = '#64748b';
const CURRENT = '#2563eb';

export function formatNumber(v: number | null | undefined): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '—';
  if (v !== 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e6)) return v.toExponential(2);
  return String(Number(v.toPrecision(4)));
}

const binLabel = (edges: number[], i: number) => `${formatNumber(edges[i])}–${formatNumber(edges[i + 1])}`;

export function HistogramChart({ histogram, label }: { histogram: Histogram; label: string }) {
  const data = histogram.counts.map((count, i) => ({ bin: binLabel(histogram.edges, i), count }));
  return (
    <figure className="chart" aria-label={label}>
      <ResponsiveContainer width="100%" height={160}>
        <BarChart data={data} margin={{ top: 4, right: 8, bottom: 4, left: 0 }} barCategoryGap={1}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="bin" tick={{ fontSize: 10 }} interval="preserveStartEnd" />
          <YAxis tick={{ fontSize: 10 }} width={40} allowDecimals={false} />
          <Tooltip />
          <Bar dataKey="count" fill={CURRENT} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </figure>
  );
}

export function CategoryChart({ values, label }: { values: { value: string; count: number }[]; label: string }) {
  return (
    <figure className="chart" aria-label={label}>
      <ResponsiveContainer width="100%" height={Math.max(80, values.length * 22)}>
        <BarChart data={values} layout="vertical" margin={{ top: 4, right: 8, bottom: 4, left: 8 }}>
          <XAxis type="number" tick={{ fontSize: 10 }} allowDecimals={false} />
          <YAxis type="category" dataKey="value" tick={{ fontSize: 10 }} width={110} />
          <Tooltip />
          <Bar dataKey="count" fill={CURRENT} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </figure>
  );
}

/** A category's name under its bars: slanted so every one fits, cut when long, whole on hover. */
function CategoryTick({ x, y, payload }: { x?: number; y?: number; payload?: { value: string } }) {
  const text = String(payload?.value ?? '');
  return (
    <g transform={`translate(${x ?? 0},${y ?? 0})`}>
      <text dy={10} textAnchor="end" transform="rotate(-35)" fontSize={10} fill="currentColor">
        <title>{text}</title>
        {shortLabel(text)}
      </text>
    </g>
  );
}

/**
 * Reference and current side by side on shared bins, as shares so different sizes compare.
 * Every category is labelled (slanted, cut with the full name on hover); numeric bins keep
 * the first and last label when there is no room for all. Share ticks are "nice" steps.
 */
export function OverlayChart({ labels, reference, current, label, kind = 'numerical' }: { labels: string[]; reference: number[]; current: number[]; label: string; kind?: 'numerical' | 'categorical' }) {
  const total = (xs: number[]) => xs.reduce((a, b) => a + b, 0) || 1;
  const [rt, ct] = [total(reference), total(current)];
  const data = labels.map((bin, i) => ({ bin, reference: (reference[i] ?? 0) / rt, current: (current[i] ?? 0) / ct }));
  const ticks = niceTicks(Math.max(0, ...data.map((d) => Math.max(d.reference, d.current))));
  const decimals = percentDecimals(ticks);
  const categorical = kind === 'categorical';
  return (
    <figure className="chart" aria-label={label}>
      <ResponsiveContainer width="100%" height={categorical ? 220 : 180}>
        <BarChart data={data} margin={{ top: 4, right: 8, bottom: 4, left: categorical ? 16 : 0 }} barGap={0} barCategoryGap={2}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          {categorical
            // Up to a dozen categories each get a label; past that, labels are thinned so none overlap.
            ? <XAxis dataKey="bin" interval={labels.length <= 12 ? 0 : 'preserveStartEnd'} minTickGap={4} tick={<CategoryTick />} height={64} />
            : <XAxis dataKey="bin" tick={{ fontSize: 10 }} interval="preserveStartEnd" />}
          <YAxis tick={{ fontSize: 10 }} width={48} ticks={ticks} domain={[0, ticks[ticks.length - 1]!]} tickFormatter={(v: number) => `${(v * 100).toFixed(decimals)}%`} />
          <Tooltip formatter={(v) => `${(Number(v) * 100).toFixed(1)}%`} />
          {/* In the bars' order (reference, then current), not recharts' default alphabetical one. */}
          <Legend wrapperStyle={{ fontSize: 11 }} itemSorter={null} />
          <Bar dataKey="reference" fill={REFERENCE} isAnimationActive={false} />
          <Bar dataKey="current" fill={CURRENT} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </figure>
  );
}

export function overlayLabels(edges: number[]): string[] {
  return edges.slice(0, -1).map((_, i) => binLabel(edges, i));
}
