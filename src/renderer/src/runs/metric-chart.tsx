/**
 * A metric as lines (recharts, as the dataset charts): one line for a run page, one per run when
 * comparing. Runs differ by colour and by dash pattern, so the chart reads without colour too;
 * the legend draws each line's pattern.
 */
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatNumber } from '../components/charts';
import { AXIS_LABELS, type ChartPoint, type MetricAxis, formatAxisTick } from './metric-series';

/** Okabe–Ito's colour-blind-safe palette (yellow left out: too light on white), then two more. */
export const RUN_COLORS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#882255', '#777777', '#44AA99'];
export const RUN_DASHES = ['', '8 4', '2 3', '12 3 3 3', '5 5', '1 3', '10 2 2 2 2 2', '16 4', '3 7', '6 2 1 2'];

export interface ChartLine {
  id: string;
  label: string;
  points: ChartPoint[];
  color: string;
  dash: string;
}

export function MetricChart({ title, lines, axis }: { title: string; lines: ChartLine[]; axis: MetricAxis }) {
  const total = lines.reduce((n, l) => n + l.points.length, 0);
  return (
    <figure className="chart metric-chart" aria-label={`Chart of ${title}`} data-testid="metric-chart">
      <figcaption>{title}</figcaption>
      {total === 0 ? (
        <p className="muted small">No finite values to draw.</p>
      ) : (
        <ResponsiveContainer width="100%" height={220}>
          <LineChart margin={{ top: 4, right: 12, bottom: 4, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis
              dataKey="x"
              type="number"
              domain={['dataMin', 'dataMax']}
              allowDuplicatedCategory={false}
              allowDecimals={axis !== 'step'}
              tick={{ fontSize: 10 }}
              tickFormatter={(x: number) => formatAxisTick(axis, x)}
              label={{ value: AXIS_LABELS[axis], position: 'insideBottomRight', offset: -2, fontSize: 10 }}
              height={34}
            />
            <YAxis dataKey="y" tick={{ fontSize: 10 }} width={52} tickFormatter={(v: number) => formatNumber(v)} domain={['auto', 'auto']} />
            <Tooltip labelFormatter={(x) => `${AXIS_LABELS[axis]}: ${formatAxisTick(axis, Number(x))}`} formatter={(v) => formatNumber(Number(v))} />
            {lines.length > 1 && <Legend wrapperStyle={{ fontSize: 11 }} />}
            {lines.map((l) => (
              <Line
                key={l.id}
                data={l.points}
                dataKey="y"
                name={l.label}
                stroke={l.color}
                strokeDasharray={l.dash || undefined}
                strokeWidth={2}
                dot={l.points.length <= 30 ? { r: 2 } : false}
                isAnimationActive={false}
                legendType="plainline"
              />
            ))}
          </LineChart>
        </ResponsiveContainer>
      )}
    </figure>
  );
}

/** The step / wall time / relative time switch above a set of charts. */
export function AxisSwitch({ axis, onChange }: { axis: MetricAxis; onChange: (axis: MetricAxis) => void }) {
  return (
    <div className="segmented" role="group" aria-label="X axis">
      {(['step', 'wall', 'relative'] as const).map((a) => (
        <button key={a} type="button" aria-pressed={axis === a} onClick={() => onChange(a)}>{AXIS_LABELS[a]}</button>
      ))}
    </div>
  );
}
