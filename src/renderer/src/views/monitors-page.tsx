import { useState } from 'react';
import type * as Y from 'yjs';
import { listMonitors, ruleStandings } from '../../../core/monitor';
import { listDatasetVersions } from '../../../core/workspace';
import { BandBadge, LastBatch, useNow } from '../monitors/monitor-bits';
import { NewMonitorForm } from '../monitors/new-monitor-form';
import { describeRule } from '../monitors/rule-text';
import { useDocValue } from '../session/hooks';
import type { WorkspaceSession } from '../session/workspace-session';
import '../monitors/monitors.css';

const readMonitors = (doc: Y.Doc) => ({ monitors: listMonitors(doc), versions: listDatasetVersions(doc) });

/** Every monitor: what it watches, against which reference, its rules' latest bands, and whether batches come. */
export function MonitorsPage({ session }: { session: WorkspaceSession }) {
  const { monitors, versions } = useDocValue(session.doc, readMonitors);
  const [creating, setCreating] = useState(false);
  const now = useNow();
  const canCreate = session.connection.role === 'owner' || session.connection.role === 'editor';
  const ws = session.connection.workspaceId;
  const versionById = new Map(versions.map((v) => [v.id, v]));

  return (
    <section aria-labelledby="monitors-title">
      <div className="page-header">
        <h2 id="monitors-title">Monitors</h2>
        {canCreate && !creating && versions.length > 0 && <button type="button" onClick={() => setCreating(true)}>New monitor</button>}
      </div>
      {creating && <NewMonitorForm session={session} versions={versions} onCancel={() => setCreating(false)} />}
      {monitors.length === 0 ? (
        !creating && <div className="empty monitors-empty">
          <p>
            No monitors yet. A monitor watches a model in production: each batch of data your pipeline sends is compared with a
            reference dataset version, and when a rule fires — too many columns drifted, one column drifted, a metric fell — an
            incident opens here for the team.
          </p>
          {!canCreate ? (
            <p>An owner or editor can create one.</p>
          ) : versions.length === 0 ? (
            <p>First <a href={`#/w/${ws}/datasets`}>add a dataset version</a> to use as the reference — usually the data the model was trained or validated on. Then come back and create the monitor.</p>
          ) : (
            <p>Pick “New monitor”, choose the reference version (its file must be on this machine) and the rules; the monitor page then shows the command a CI job runs to send batches.</p>
          )}
        </div>
      ) : (
        <ul className="monitor-list" aria-label="Monitors">
          {monitors.map((m) => {
            const reference = versionById.get(m.referenceVersionId);
            return (
              <li key={m.id} className="card monitor-card" aria-labelledby={`monitor-${m.id}`}>
                <div className="monitor-head">
                  <h3 id={`monitor-${m.id}`}><a href={`#/w/${ws}/monitors/${m.id}`}>{m.name}</a>{m.paused && <> <span className="badge band-warning">paused</span></>}</h3>
                  <LastBatch monitor={m} now={now} />
                </div>
                <p className="muted small">
                  {m.model ? <>Model <strong>{m.model}</strong> · </> : null}
                  reference{' '}
                  {reference ? <a href={`#/w/${ws}/datasets/${reference.id}`}>{reference.dataset} · {reference.fileName}</a> : <span>a version not synced here yet</span>}
                </p>
                <ul className="rule-list" aria-label={`Rules of ${m.name}`}>
                  {ruleStandings(session.doc, m, now).map((s) => {
                    const text = describeRule(s.rule);
                    return (
                      <li key={s.rule.id}>
                        <BandBadge band={s.band} /> <span className="rule-title">{text.title}</span> <span className="muted small">{text.bounds}</span>
                        {s.openIncidentId && <> · <a href={`#/w/${ws}/incidents/${s.openIncidentId}`} className="small">open incident</a></>}
                      </li>
                    );
                  })}
                </ul>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
