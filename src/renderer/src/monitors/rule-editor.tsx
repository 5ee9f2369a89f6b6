/** The rules part of the new-monitor form: one fieldset per rule, its bounds, and what is wrong next to each field. */
import type { ReactNode } from 'react';
import { type DraftErrors, type DraftField, RULE_KINDS, type RuleDraft, type RuleKind, newDraft } from './rule-drafts';

const HINTS: Record<RuleKind, string> = {
  driftShare: 'Fires when this share of the tested columns drifted in a batch (0.5 is Evidently’s dataset-drift default). Bounds from the reference: above the mean + 3σ of the drift share of each reference chunk against the whole reference.',
  multivariate:
    'NannyML’s data reconstruction: a PCA fitted on the reference’s feature columns (not the timestamp, id, target, prediction or ignored ones) reconstructs each batch row; fires when the batch’s mean reconstruction error is outside the mean ± 3σ of the reference chunks’ errors.',
  columnDrift:
    'Bounds are the column’s drift score. p-value tests (K–S, chi-square) fire below the bound, distance tests (Wasserstein, Jensen–Shannon) at or above it. Leave both empty to use the test’s own threshold.',
  metric:
    'Judges the values your pipeline sends to the monitor’s metrics endpoint (the monitor page shows how), by name, and the performance the monitor computes (roc_auc, f1, … realized; estimated_roc_auc, … estimated without labels). Bounds from the reference are NannyML’s: the metric’s mean ± 3 standard deviations over the reference’s chunks (the monitor’s reference chunking), for the performance the monitor computes.',
  batchMissing: 'Hours without a batch (counted from the monitor’s creation until the first one). The server checks every minute and opens an incident when one is late.',
};

const LABELS: Record<RuleKind, { warning: string; critical: string }> = {
  driftShare: { warning: 'Warning share', critical: 'Critical share' },
  multivariate: { warning: '', critical: '' },
  columnDrift: { warning: 'Warning bound', critical: 'Critical bound' },
  metric: { warning: 'Warning bound', critical: 'Critical bound' },
  batchMissing: { warning: 'Warning after (hours)', critical: 'Critical after (hours)' },
};

let keys = 0;
export const nextRuleKey = () => `rule-${++keys}`;

/** A labelled input with its error (or hint) tied to it. */
function Field({ id, label, error, className, children }: { id: string; label: string; error?: string; className?: string; children: (props: { id: string; 'aria-invalid': boolean; 'aria-describedby'?: string }) => ReactNode }) {
  return (
    <div className={className ? `field ${className}` : 'field'}>
      <label htmlFor={id}>{label}</label>
      {children({ id, 'aria-invalid': Boolean(error), 'aria-describedby': error ? `${id}-error` : undefined })}
      {error && <p id={`${id}-error`} className="field-error">{error}</p>}
    </div>
  );
}

export function RuleEditor({ drafts, errors, columns, disabled, onChange }: {
  drafts: RuleDraft[];
  /** Per draft, shown once the person has tried to submit. */
  errors: (DraftErrors | undefined)[];
  /** The reference's columns, offered for column rules. */
  columns: readonly string[];
  disabled: boolean;
  onChange: (drafts: RuleDraft[]) => void;
}) {
  const set = (i: number, fields: Partial<RuleDraft>) => onChange(drafts.map((d, j) => (j === i ? { ...d, ...fields } : d)));
  const setKind = (i: number, kind: RuleKind) => onChange(drafts.map((d, j) => (j === i ? { ...newDraft(kind, d.key), column: d.column, metric: d.metric } : d)));
  return (
    <div className="rules">
      {drafts.map((d, i) => {
        const e = errors[i] ?? {};
        const id = (f: DraftField | 'kind' | 'direction' | 'bounds') => `${d.key}-${f}`;
        const boundsField = () => (
          <Field id={id('bounds')} label="Bounds" className="bounds">
            {(p) => (
              <select
                {...p}
                value={d.bounds}
                onChange={(ev) => {
                  const bounds = ev.target.value as RuleDraft['bounds'];
                  // NannyML alerts on either side of the reference's band; constant bounds judge one side.
                  set(i, d.kind === 'metric' ? { bounds, direction: bounds === 'reference' ? 'both' : d.direction === 'both' ? 'below' : d.direction } : { bounds });
                }}
              >
                <option value="constant">constant bounds</option>
                <option value="reference">{d.kind === 'driftShare' ? 'bounds from the reference (mean + 3σ)' : 'bounds from the reference (mean ± 3σ)'}</option>
              </select>
            )}
          </Field>
        );
        const constant = d.kind !== 'multivariate' && !((d.kind === 'metric' || d.kind === 'driftShare') && d.bounds === 'reference');
        const number = (f: 'warning' | 'critical') => (
          <Field id={id(f)} label={LABELS[d.kind][f]} error={e[f]}>
            {(p) => <input {...p} inputMode="decimal" value={d[f]} disabled={disabled} placeholder={f === 'warning' || d.kind === 'columnDrift' ? 'none' : ''} onChange={(ev) => set(i, { [f]: ev.target.value })} />}
          </Field>
        );
        return (
          <fieldset key={d.key} className="rule" disabled={disabled}>
            <legend>Rule {i + 1}</legend>
            <div className="row">
              <Field id={id('kind')} label="Kind" className="kind">
                {(p) => (
                  <select {...p} value={d.kind} onChange={(ev) => setKind(i, ev.target.value as RuleKind)}>
                    {RULE_KINDS.map((k) => <option key={k.kind} value={k.kind}>{k.label}</option>)}
                  </select>
                )}
              </Field>
              {d.kind === 'columnDrift' && (
                <Field id={id('column')} label="Column" error={e.column}>
                  {(p) => <input {...p} list={`${d.key}-columns`} value={d.column} onChange={(ev) => set(i, { column: ev.target.value })} />}
                </Field>
              )}
              {d.kind === 'driftShare' && boundsField()}
              {d.kind === 'metric' && (
                <>
                  <Field id={id('metric')} label="Metric" error={e.metric}>
                    {(p) => <input {...p} value={d.metric} placeholder="accuracy" onChange={(ev) => set(i, { metric: ev.target.value })} />}
                  </Field>
                  {boundsField()}
                  <Field id={id('direction')} label="Direction" className="direction">
                    {(p) => (
                      <select {...p} value={d.direction} onChange={(ev) => set(i, { direction: ev.target.value as RuleDraft['direction'] })}>
                        {d.bounds === 'reference' && <option value="both">fires outside</option>}
                        <option value="below">fires below</option>
                        <option value="above">fires above</option>
                      </select>
                    )}
                  </Field>
                </>
              )}
              {constant && number('warning')}
              {constant && number('critical')}
              <button type="button" className="secondary remove" disabled={drafts.length === 1} onClick={() => onChange(drafts.filter((_, j) => j !== i))} aria-label={`Remove rule ${i + 1}`}>
                Remove
              </button>
            </div>
            {d.kind === 'columnDrift' && <datalist id={`${d.key}-columns`}>{columns.map((c) => <option key={c} value={c} />)}</datalist>}
            <p className="muted small">{HINTS[d.kind]}</p>
          </fieldset>
        );
      })}
      <button type="button" className="secondary" disabled={disabled || drafts.length >= 100} onClick={() => onChange([...drafts, newDraft('columnDrift', nextRuleKey())])}>
        Add a rule
      </button>
    </div>
  );
}
