/**
 * A model's audit trail as sentences, oldest first: "Mo accepted the handoff to ops of v3",
 * "Olga moved production to v3 (override: hotfix for the outage)". Everything here is read from
 * immutable events (registryAudit), so the trail cannot be edited after the fact.
 */
import { useCallback } from 'react';
import type * as Y from 'yjs';
import { MLFLOW_ALIAS_SOURCE, MLFLOW_IMPORT_ACTOR_NAME } from '../../../core/mlflow';
import { type AuditEntry, type HandoffRecord, getModelVersion, registryAudit } from '../../../core/workspace';
import { TimeAgo } from '../components/badges';
import { useDocValue } from '../session/hooks';
import type { WorkspaceSession } from '../session/workspace-session';
import { DECISION_VERB } from './decision-text';
import { STAGE_TEXT } from './registry-bits';
import { versionName } from './use-registry';


export function AuditTrail({ session, modelId }: { session: WorkspaceSession; modelId: string }) {
  const read = useCallback((doc: Y.Doc) => ({ entries: registryAudit(doc, modelId), doc }), [modelId]);
  const { entries, doc } = useDocValue(session.doc, read);
  const ws = session.connection.workspaceId;
  // A resubmission clears the ticks with one "unticked" event per item; the trail says so once.
  const resubmits = new Set(entries.flatMap((e) => (e.kind === 'handoff-event' && e.event.kind === 'decision' && e.event.decision === 'resubmitted' ? [`${e.handoff.id}:${e.at}`] : [])));
  const shown = entries.filter((e) => !(e.kind === 'handoff-event' && e.event.kind === 'check' && !e.event.checked && resubmits.has(`${e.handoff.id}:${e.at}`)));
  return (
    <section aria-labelledby="audit-title">
      <h3 id="audit-title">Audit trail</h3>
      {shown.length === 0 ? (
        <p className="empty">Nothing has happened to this model yet: versions, alias moves and handoffs will be listed here, with who and when.</p>
      ) : (
        <ol className="timeline audit" aria-label="Audit trail">
          {shown.map((entry) => (
            <li key={entryKey(entry)} className="event">
              <span className="event-icon" aria-hidden="true">{ICONS[entry.kind]}</span>
              <span><AuditText doc={doc} entry={entry} ws={ws} /> <TimeAgo at={entry.at} /></span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

const ICONS: Record<AuditEntry['kind'], string> = { version: '✚', alias: '⇢', 'handoff-requested': '✉', 'handoff-event': '●' };

function entryKey(e: AuditEntry): string {
  return e.kind === 'version' ? `v:${e.version.id}` : e.kind === 'alias' || e.kind === 'handoff-event' ? `e:${e.event.id}` : `h:${e.handoff.id}`;
}

function vName(doc: Y.Doc, versionId: string): string {
  const v = getModelVersion(doc, versionId);
  return v ? versionName(v) : 'a removed version';
}

/** The handoff, named as a link: "the handoff to ops of v3". */
function HandoffRef({ doc, handoff, ws }: { doc: Y.Doc; handoff: HandoffRecord; ws: string }) {
  return <a href={`#/w/${ws}/handoffs/${encodeURIComponent(handoff.id)}`}>the handoff {STAGE_TEXT[handoff.stage]} of {vName(doc, handoff.versionId)}</a>;
}

function AuditText({ doc, entry, ws }: { doc: Y.Doc; entry: AuditEntry; ws: string }) {
  const who = <strong>{entry.byName}</strong>;
  switch (entry.kind) {
    case 'version':
      return <>{who} registered {versionName(entry.version)}{entry.version.source ? ` (from ${entry.version.source})` : entry.version.runId ? ' from a run' : ''}</>;
    case 'alias': {
      const e = entry.event;
      if (e.source === MLFLOW_ALIAS_SOURCE) {
        // The member who ran the import is the event's author; who moved the stage in MLflow is unknown.
        const mlflow = <strong>{MLFLOW_IMPORT_ACTOR_NAME}</strong>;
        const why = ` (imported from MLflow, which does not record who moved it there; import run by ${e.byName})`;
        return e.versionId === null ? <>{mlflow} removed {e.alias}{why}</> : <>{mlflow} moved {e.alias} to {vName(doc, e.versionId)}{why}</>;
      }
      const why = e.source ? ` (imported from ${e.source})` : e.override ? ` (override: ${e.override.reason})` : e.handoffId ? ' after the accepted handoff to ops' : '';
      return e.versionId === null ? <>{who} removed {e.alias}{why}</> : <>{who} moved {e.alias} to {vName(doc, e.versionId)}{why}</>;
    }
    case 'handoff-requested':
      return <>{who} asked for <HandoffRef doc={doc} handoff={entry.handoff} ws={ws} />{entry.handoff.message ? `: “${entry.handoff.message}”` : ''}</>;
    case 'handoff-event': {
      const e = entry.event;
      if (e.kind === 'check') {
        const label = entry.handoff.checklist.find((i) => i.id === e.itemId)?.label ?? e.itemId;
        return <>{who} {e.checked ? 'ticked' : 'unticked'} “{label}” on <HandoffRef doc={doc} handoff={entry.handoff} ws={ws} /></>;
      }
      const again = e.decision === 'resubmitted' ? ' (checklist evaluated again, ticks cleared)' : '';
      return <>{who} {DECISION_VERB[e.decision]} <HandoffRef doc={doc} handoff={entry.handoff} ws={ws} />{again}{e.comment ? `: “${e.comment}”` : ''}</>;
    }
  }
}
