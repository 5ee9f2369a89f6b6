/**
 * Electron main: hardened windows (policy in window-policy.ts), the renderer served from
 * app://driftdesk with a CSP computed from the joined servers, the host contract over IPC from
 * our own page only, and a warning when quitting with unpushed edits.
 */
import { BrowserWindow, Menu, app, dialog, ipcMain, net, protocol, session, shell } from 'electron';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startAppHost } from '../node/app-host.ts';
import { appResponseHeaders, resolveAppRequest } from './app-protocol.ts';
import { desktopHandlers, handleHostInvoke, windowCallerId } from './ipc-handlers.ts';
import { UnreadMentions } from './unread-badge.ts';
import {
  APP_INDEX_URL, APP_SCHEME, APP_SCHEME_PRIVILEGES, navigationDecision, needsCspReload, permissionDecision, rendererCsp, serverOrigins,
  windowOpenDecision, windowWebPreferences,
} from './window-policy.ts';

app.setName('Driftdesk');
// Every renderer sandboxed, whatever a window's options say.
app.enableSandbox();
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: APP_SCHEME_PRIVILEGES }]);

// better-sqlite3 built against Electron's ABI lives beside the Node build (see README),
// so tests and the app never rebuild each other's binary.
const electronBinding = join(app.getAppPath(), 'build/native/electron/better_sqlite3.node');

// Before any window: no page, whatever loads in it, opens windows, navigates away or embeds a webview.
app.on('web-contents-created', (_event, contents) => {
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    const decision = windowOpenDecision(url);
    if (decision.kind === 'external') void shell.openExternal(decision.url);
    return { action: 'deny' };
  });
  const guard = (event: { preventDefault(): void }, url: string) => {
    const decision = navigationDecision(url);
    if (decision.kind === 'allow') return;
    event.preventDefault();
    if (decision.kind === 'external') void shell.openExternal(decision.url);
  };
  contents.on('will-navigate', guard);
  contents.on('will-redirect', guard);
});

async function boot(): Promise<void> {
  const dataDir = process.env.DRIFTDESK_DATA_DIR || app.getPath('userData');
  const host = await startAppHost({
    dataDir,
    mode: 'electron',
    version: app.getVersion(),
    demoFile: join(app.getAppPath(), 'resources/demo-workspace.json'),
    nativeBinding: existsSync(electronBinding) ? electronBinding : undefined,
    // Long jobs run the CLI with Electron's own Node (ELECTRON_RUN_AS_NODE).
    cli: { node: process.execPath, cli: join(app.getAppPath(), 'bin/driftdesk'), env: { ELECTRON_RUN_AS_NODE: '1' } },
  });
  const rendererDir = join(__dirname, '../renderer');
  const unread = new UnreadMentions();
  const handlers = desktopHandlers(host.handlers, {
    setUnreadMentions: (windowId, workspaceId, count) => {
      if (unread.set(windowId, workspaceId, count)) app.setBadgeCount(unread.total());
      return process.platform !== 'win32';
    },
  });
  const knownOrigins = async () => serverOrigins((await handlers['workspaces.list']({}, { id: 'main' })).map((c) => c.serverUrl));

  // The renderer's files, each with the CSP of the servers joined right now.
  protocol.handle(APP_SCHEME, async (request) => {
    const target = resolveAppRequest(rendererDir, request.url);
    if (target.kind === 'not-found' || !existsSync(target.path)) return new Response('not found', { status: 404 });
    const file = await net.fetch(pathToFileURL(target.path).href);
    return new Response(file.body, { status: 200, headers: appResponseHeaders(target.contentType, rendererCsp(await knownOrigins())) });
  });
  session.defaultSession.setPermissionRequestHandler((_contents, permission, callback, details) => callback(permissionDecision(permission, details.requestingUrl)));
  session.defaultSession.setPermissionCheckHandler((_contents, permission, requestingOrigin, details) =>
    permissionDecision(permission, details.requestingUrl ?? requestingOrigin),
  );

  ipcMain.handle('driftdesk:host', (event, channel: unknown, req: unknown) =>
    handleHostInvoke(handlers, { windowId: event.sender.id, frame: event.senderFrame ? { url: event.senderFrame.url, isMainFrame: event.senderFrame.parent === null } : null }, channel, req),
  );

  const openWindow = async (): Promise<void> => {
    const win = new BrowserWindow({
      width: 1280,
      height: 820,
      title: 'Driftdesk',
      webPreferences: windowWebPreferences(join(__dirname, '../preload/index.cjs')),
    });
    const callerId = windowCallerId(win.webContents.id);
    // Windows on one workspace stay in step through the host (doc.updated events).
    const detach = host.events.attach(callerId, (message) => win.webContents.send('driftdesk:event', message));
    let admitted: string[] = [];
    win.webContents.on('did-navigate', () => void knownOrigins().then((o) => (admitted = o)));
    // Route changes are in-page; a workspace on a server this page's CSP predates needs a reload.
    win.webContents.on('did-navigate-in-page', (_e, url) => {
      const workspaceId = /#\/w\/([^/?]+)/.exec(url)?.[1];
      if (!workspaceId) return;
      void handlers['workspaces.list']({}, { id: callerId }).then((list) => {
        const conn = list.find((c) => c.workspaceId === decodeURIComponent(workspaceId));
        if (conn && needsCspReload(admitted, conn.serverUrl) && !win.isDestroyed()) win.webContents.reload();
      });
    });
    win.on('closed', () => {
      detach();
      if (unread.remove(callerId)) app.setBadgeCount(unread.total());
    });
    await win.loadURL(APP_INDEX_URL);
  };
  Menu.setApplicationMenu(
    Menu.buildFromTemplate([
      ...(process.platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
      { label: 'File', submenu: [{ label: 'New Window', accelerator: 'CmdOrCtrl+Shift+N', click: () => void openWindow() }, { role: 'quit' }] },
      { role: 'editMenu' },
      { role: 'viewMenu' },
      { role: 'windowMenu' },
    ]),
  );
  await openWindow();

  // Quitting with edits the server has not got: they are safe on this device, but say so, since
  // teammates will not see them until the app runs again with the server reachable.
  let quitting = false;
  app.on('before-quit', (event) => {
    if (quitting) return;
    const pending = host.pendingEdits();
    if (pending > 0) {
      const choice = dialog.showMessageBoxSync({
        type: 'warning',
        buttons: ['Quit anyway', 'Stay'],
        defaultId: 1,
        cancelId: 1,
        message: `${pending} change${pending === 1 ? ' is' : 's are'} not on the server yet`,
        detail: 'They are saved on this device and will be sent the next time Driftdesk runs with the server reachable.',
      });
      if (choice === 1) {
        event.preventDefault();
        return;
      }
    }
    quitting = true;
    void host.close();
  });
}

app.on('window-all-closed', () => app.quit());
app.whenReady().then(boot).catch((err: unknown) => {
  console.error('Driftdesk failed to start:', err);
  app.exit(1);
});
