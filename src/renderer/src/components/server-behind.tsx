import type { WorkspaceSession } from '../session/workspace-session';

/**
 * The server knew less than this device when they last synced — it was restored from a backup,
 * or moved — and this device has sent back what it lacked. Said once, plainly, so nobody is
 * surprised that old work reappeared for others, and so the person knows their copy mattered.
 */
export function ServerBehindNotice({ session }: { session: WorkspaceSession }) {
  const behind = session.serverBehind();
  if (behind.length === 0) return null;
  const items = behind.reduce((n, b) => n + b.behind.items, 0);
  return (
    <section className="server-behind" role="status" aria-label="Server restored" data-testid="server-behind">
      <p className="small">
        <strong>The server had less than this device.</strong> It was probably restored from a backup: {items} change{items === 1 ? '' : 's'} it
        lacked {items === 1 ? 'was' : 'were'} sent back from here, so your team sees them again.
      </p>
      <button type="button" onClick={() => behind.forEach((b) => session.dismissServerBehind(b.docName))}>
        OK
      </button>
    </section>
  );
}
