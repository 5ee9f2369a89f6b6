/**
 * Histograms with recharts (SVG; React sets its styles through the DOM, which our CSP
 * allows). Bars are labelled with their bin range for screen readers and tooltips.
 */
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { Histogram } from '../../../core/profile';

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

/** Reference and current side by side on shared bins, as shares so different sizes compare. */
export function OverlayChart({ labels, reference, current, label }: { labels: string[]; reference: number[]; current: number[]; label: string }) {
  const total = (xs: number[]) => xs.reduce((a, b) => a + b, 0) || 1;
  const [rt, ct] = [total(reference), total(current)];
  const data = labels.map((bin, i) => ({ bin, reference: (reference[i] ?? 0) / rt, current: (current[i] ?? 0) / ct }));
  return (
    <figure className="chart" aria-label={label}>
      <ResponsiveContainer width="100%" height={180}>
        <BarChart data={data} margin={{ top: 4, right: 8, bottom: 4, left: 0 }} barGap={0} barCategoryGap={2}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="bin" tick={{ fontSize: 10 }} interval="preserveStartEnd" />
          <YAxis tick={{ fontSize: 10 }} width={44} tickFormatter={(v: number) => `${Math.round(v * 100)}%`} />
          <Tooltip formatter={(v) => `${(Number(v) * 100).toFixed(1)}%`} />
          <Legend wrapperStyle={{ fontSize: 11 }} />
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
