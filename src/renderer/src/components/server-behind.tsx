import type { WorkspaceSession } from '../session/workspace-session';

const changes = (n: number) => `${n} change${n === 1 ? '' : 's'}`;

/**
 * The server knew less than this device when they last synced — it was restored from a backup,
 * or moved. This device has sent back its own edits the server had lost; others' edits it holds
 * come back when their authors' devices reconnect (the server accepts each person's edits only
 * from them). Said once, plainly, so nobody is surprised that old work reappears.
 */
export function ServerBehindNotice({ session }: { session: WorkspaceSession }) {
  const behind = session.serverBehind();
  if (behind.length === 0) return null;
  const restored = behind.reduce((n, b) => n + b.behind.restored.items, 0);
  const held = behind.reduce((n, b) => n + b.behind.held.items, 0);
  return (
    <section className="server-behind" role="status" aria-label="Server restored" data-testid="server-behind">
      <p className="small">
        <strong>The server had less than this device.</strong> It was probably restored from a backup.
        {restored > 0 && <> {changes(restored)} of yours that it had lost {restored === 1 ? 'was' : 'were'} sent back from here.</>}
        {held > 0 && <> {changes(held)} by others {held === 1 ? 'is' : 'are'} on this device but not on the server yet; {held === 1 ? 'it comes' : 'they come'} back when the people who made them reconnect.</>}
      </p>
      <button type="button" onClick={() => behind.forEach((b) => session.dismissServerBehind(b.docName))}>
        OK
      </button>
    </section>
  );
}
