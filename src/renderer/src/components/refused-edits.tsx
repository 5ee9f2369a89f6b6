import { useState } from 'react';
import type { WorkspaceSession } from '../session/workspace-session';

/**
 * Edits the server refused, shown as not sent: they are not on the server and nobody else sees
 * them. The person copies what they wrote (to send it another way, or again once allowed) or
 * discards it. Never sent again by the app.
 */
export function RefusedEditsPanel({ session }: { session: WorkspaceSession }) {
  const refused = session.refusedEdits();
  const [copied, setCopied] = useState<string | null>(null);
  if (refused.length === 0) return null;
  return (
    <section className="refused-edits" aria-label="Changes not sent" data-testid="refused-edits">
      {refused.map(({ docName, refused: r }) => (
        <div key={docName} className="refused-edit">
          <p className="small error">
            <strong>Not sent:</strong> the server refused your change ({r.reason}). It is not on the server and nobody else sees it;
            the workspace shows what the server has.
          </p>
          {r.text ? <pre className="small refused-text" data-testid="refused-text">{r.text}</pre> : <p className="small muted">(it only removed things)</p>}
          <div className="row">
            {r.text && (
              <button
                type="button"
                onClick={() => {
                  void navigator.clipboard.writeText(r.text).then(
                    () => setCopied(docName),
                    () => setCopied(null),
                  );
                }}
              >
                {copied === docName ? 'Copied' : 'Copy my text'}
              </button>
            )}
            <button type="button" onClick={() => session.discardRefused(docName)}>Discard</button>
          </div>
        </div>
      ))}
    </section>
  );
}
