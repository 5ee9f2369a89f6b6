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
  // One change can touch several docs (an incident's status in the workspace doc, its timeline
  // event in the incident's conversation doc): refused for one reason, it is one change to copy or discard.
  const groups = new Map<string, { key: string; reason: string; docNames: string[]; texts: string[] }>();
  for (const { docName, refused: r } of refused) {
    const group = groups.get(r.reason) ?? { key: docName, reason: r.reason, docNames: [], texts: [] };
    group.docNames.push(docName);
    if (r.text) group.texts.push(r.text);
    groups.set(r.reason, group);
  }
  return (
    <section className="refused-edits" aria-label="Changes not sent" data-testid="refused-edits">
      {[...groups.values()].map(({ key, reason, docNames, texts }) => {
        const text = texts.join('\n');
        return (
          <div key={key} className="refused-edit">
            <p className="small error">
              <strong>Not sent:</strong> the server refused your change ({reason}). It is not on the server and nobody else sees it;
              the workspace shows what the server has.
            </p>
            {text ? <pre className="small refused-text" data-testid="refused-text">{text}</pre> : <p className="small muted">(it only removed things)</p>}
            <div className="row">
              {text && (
                <button
                  type="button"
                  onClick={() => {
                    void navigator.clipboard.writeText(text).then(
                      () => setCopied(key),
                      () => setCopied(null),
                    );
                  }}
                >
                  {copied === key ? 'Copied' : 'Copy my text'}
                </button>
              )}
              <button type="button" onClick={() => { for (const docName of docNames) session.discardRefused(docName); }}>Discard</button>
            </div>
          </div>
        );
      })}
    </section>
  );
}
