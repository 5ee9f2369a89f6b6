/**
 * The reproducibility checklist with its score, and "Export Dockerfile", drawn from plain data
 * (RunRepro in run-repro.tsx feeds it), so it renders the same in a test as in the app.
 * Every status is a word in the list item, not only a colour; user text (details, file
 * contents) is rendered as text.
 */
import type { ReproChecklist, ReproFiles } from '../../../core/repro';
import { checklistSummary, exportFiles, type ExportFile, points, STATUS_MARK, STATUS_TEXT } from './repro-export';

export interface ReproPanelProps {
  checklist: ReproChecklist;
  files: ReproFiles;
  /** Saves the files (a download each in the browser). */
  onExport: (files: ExportFile[]) => void;
  /** What the last export did, for the live region. */
  exportMessage?: string;
}

export function ReproPanel({ checklist, files, onExport, exportMessage = '' }: ReproPanelProps) {
  const list = exportFiles(files);
  return (
    <section className="repro card" aria-labelledby="repro-title">
      <div className="repro-head">
        <h2 id="repro-title">Reproducibility</h2>
        <p className="repro-score">
          <meter min={0} max={100} low={50} high={80} optimum={100} value={checklist.score} aria-label="Reproducibility score" />
          <strong data-testid="repro-score">{checklist.score}/100</strong>
          <span className="muted"> · {checklistSummary(checklist)}</span>
        </p>
      </div>
      <ul className="repro-checklist" aria-label="Reproducibility checklist">
        {checklist.items.map((item) => (
          <li key={item.id} className={`repro-item repro-${item.status}`} data-testid={`repro-${item.id}`}>
            <span className={`badge repro-badge-${item.status}`}>
              <span aria-hidden="true">{STATUS_MARK[item.status]} </span>
              {STATUS_TEXT[item.status]}
            </span>
            <span className="repro-label">{item.label}</span>
            <span className="muted small repro-points">{points(item.earned)} of {item.weight} points</span>
            <p className="small prose repro-detail">{item.detail}</p>
          </li>
        ))}
      </ul>
      <div className="repro-export">
        <button type="button" onClick={() => onExport(list)}>Export Dockerfile</button>
        <span className="muted small">Saves {list.map((f) => f.name).join(', ')}: build with <code>docker build .</code> in a folder holding them.</span>
        <span role="status" className="small">{exportMessage}</span>
      </div>
      {files.warnings.length > 0 && (
        <details className="repro-warnings">
          <summary>{files.warnings.length} thing{files.warnings.length === 1 ? '' : 's'} could not be pinned or fetched</summary>
          <ul className="small">{files.warnings.map((w, i) => <li key={i}>{w}</li>)}</ul>
        </details>
      )}
      <details className="repro-preview">
        <summary>Preview the Dockerfile</summary>
        <pre tabIndex={0} aria-label="Dockerfile"><code>{files.dockerfile}</code></pre>
      </details>
    </section>
  );
}
