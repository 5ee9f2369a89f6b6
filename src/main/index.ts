/**
 * Electron main: one instance per data folder; hardened windows (window-policy.ts) showing the
 * renderer from app://driftdesk with a CSP computed from the joined servers; the host contract
 * over IPC from our own page only; the menu, driftdesk:// links, the unread-mentions badge,
 * recent workspaces, opt-in auto-update, and a warning when quitting with unpushed edits.
 */
import { Menu, app, dialog, ipcMain, nativeImage, net, protocol, session, shell } from 'electron';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startAppHost } from '../node/app-host.ts';
import { sqliteNativeBinding } from '../node/native-binding.ts';
import { appResponseHeaders, resolveAppRequest } from './app-protocol.ts';
import { loadDesktopSettings, settingsFile, updateDecision } from './auto-update.ts';
import { linkFromArgv } from './deep-link-route.ts';
import { DesktopWindows } from './desktop-windows.ts';
import { desktopHandlers, handleHostInvoke } from './ipc-handlers.ts';
import { buildMenuTemplate, dockMenuTemplate } from './menu-template.ts';
import { loadRecent, pushRecent, reconcileRecent, recentFile, saveRecent } from './recent-workspaces.ts';
import { createLinkHandler } from './link-handler.ts';
import { UnreadMentions, badgePlan } from './unread-badge.ts';
import { APP_SCHEME, APP_SCHEME_PRIVILEGES, navigationDecision, permissionDecision, rendererCsp, serverOrigins, windowOpenDecision, windowWebPreferences } from './window-policy.ts';
import { windowStateFile } from './window-state.ts';

app.setName('Driftdesk');
// Windows shows a page's notifications only for an app with this id (the installer's appId).
if (process.platform === 'win32') app.setAppUserModelId('dev.driftdesk.app');
// Every renderer sandboxed, whatever a window's options say.
app.enableSandbox();
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: APP_SCHEME_PRIVILEGES }]);

// One instance per data folder: the lock lives in userData, so point it at the data folder
// first (tests and portable installs run several apps side by side, each on its own folder).
const dataDir = process.env.DRIFTDESK_DATA_DIR ? resolve(process.env.DRIFTDESK_DATA_DIR) : app.getPath('userData');
app.setPath('userData', dataDir);
const isPrimary = app.requestSingleInstanceLock();
if (!isPrimary) app.quit();

// The OS sends driftdesk:// links to the installed app (the installers register it too; this
// covers AppImage and portable installs). A checkout (npm start, the e2e tests) does not take
// the scheme over unless asked: it runs as `electron <app dir>`, so register that, not the binary.
if (app.isPackaged) app.setAsDefaultProtocolClient('driftdesk');
else if (process.env.DRIFTDESK_REGISTER_PROTOCOL === '1') app.setAsDefaultProtocolClient('driftdesk', process.execPath, [resolve(process.argv[1] ?? '.')]);

// Links that arrive before the windows exist (macOS open-url at launch; argv on Windows/Linux).
const earlyLinks: string[] = [];
let handleLink: ((link: string) => void) | null = null;
const takeLink = (link: string) => (handleLink ? handleLink(link) : earlyLinks.push(link));
const startLink = linkFromArgv(process.argv);
if (startLink) earlyLinks.push(startLink);
app.on('open-url', (event, url) => {
  event.preventDefault();
  takeLink(url);
});

// Before any window: no page, whatever loads in it, opens windows, navigates away or embeds a webview.
app.on('web-contents-created', (_event, contents) => {
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    const decision = windowOpenDecision(url);
    if (decision.kind === 'external') void shell.openExternal(decision.url);
    return { action: 'deny' };
  });
  // A link the person followed may open outside; a redirect nobody clicked only stops.
  const guard = (openOutside: boolean) => (event: { preventDefault(): void }, url: string) => {
    const decision = navigationDecision(url);
    if (decision.kind === 'allow') return;
    event.preventDefault();
    if (decision.kind === 'external' && openOutside) void shell.openExternal(decision.url);
  };
  contents.on('will-navigate', guard(true));
  contents.on('will-redirect', guard(false));
});

async function boot(): Promise<void> {
  let nativeBinding: string | undefined;
  try {
    nativeBinding = sqliteNativeBinding(app.getAppPath());
  } catch (err) {
    dialog.showErrorBox('Driftdesk cannot open its database', (err as Error).message);
    app.exit(1);
    return;
  }
  const host = await startAppHost({
    dataDir,
    mode: 'electron',
    version: app.getVersion(),
    demoFile: join(app.getAppPath(), 'resources/demo-workspace.json'),
    nativeBinding,
    // Long jobs run the CLI with Electron's own Node (ELECTRON_RUN_AS_NODE).
    cli: { node: process.execPath, cli: join(app.getAppPath(), 'bin/driftdesk'), env: { ELECTRON_RUN_AS_NODE: '1' } },
  });
  const rendererDir = join(__dirname, '../renderer');

  // Dock/taskbar badge: unread mentions over the open windows.
  const unread = new UnreadMentions();
  const overlay = nativeImage.createFromPath(join(app.getAppPath(), 'resources/badge-overlay.png'));
  /** Shows the total; answers whether the OS shows it (Linux: only launchers that support badges). */
  const showBadge = (): boolean => {
    const plan = badgePlan(process.platform, unread.total());
    if (plan.kind === 'count') return app.setBadgeCount(plan.count);
    for (const w of windows.all()) w.setOverlayIcon(plan.description ? overlay : null, plan.description ?? '');
    return true;
  };
  const handlers = desktopHandlers(host.handlers, {
    setUnreadMentions: (windowId, workspaceId, count) => {
      unread.set(windowId, workspaceId, count);
      return showBadge();
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
  session.defaultSession.setPermissionCheckHandler((_contents, permission, requestingOrigin, details) => permissionDecision(permission, details.requestingUrl ?? requestingOrigin));

  ipcMain.handle('driftdesk:host', (event, channel: unknown, req: unknown) =>
    handleHostInvoke(handlers, { windowId: event.sender.id, frame: event.senderFrame ? { url: event.senderFrame.url, isMainFrame: event.senderFrame.parent === null } : null }, channel, req),
  );

  // Recent workspaces: the JSON list, kept to the workspaces still joined, and the menu built from it.
  const recentPath = recentFile(dataDir);
  let recent = loadRecent(recentPath);
  const rebuildMenu = () => {
    Menu.setApplicationMenu(
      Menu.buildFromTemplate(
        buildMenuTemplate({
          platform: process.platform,
          isDev: !app.isPackaged,
          recent,
          actions: {
            newWindow: () => void windows.open(),
            openWorkspace: () => openRoute('#/'),
            openRecent: (id) => openRoute(`#/w/${encodeURIComponent(id)}/incidents`),
            clearRecent: () => {
              recent = [];
              saveRecent(recentPath, recent);
              rebuildMenu();
            },
            commandPalette: () => {
              const win = windows.current();
              if (win) windows.command(win, { kind: 'palette' });
            },
            openDocs: () => void shell.openPath(join(app.getAppPath(), 'README.md')),
          },
        }),
      ),
    );
    app.dock?.setMenu(Menu.buildFromTemplate(dockMenuTemplate(recent, { newWindow: () => void windows.open(), openRecent: (id) => openRoute(`#/w/${encodeURIComponent(id)}/incidents`) })));
  };
  const windows: DesktopWindows = new DesktopWindows({
    preload: join(__dirname, '../preload/index.cjs'),
    stateFile: windowStateFile(dataDir),
    handlers,
    events: host.events,
    knownOrigins,
    webPreferences: windowWebPreferences,
    onWorkspaceShown: (workspaceId) =>
      void handlers['workspaces.list']({}, { id: 'main' }).then((joined) => {
        const conn = joined.find((c) => c.workspaceId === workspaceId);
        if (!conn || recent[0]?.workspaceId === workspaceId) return;
        recent = reconcileRecent(pushRecent(recent, { workspaceId, name: conn.name, openedAt: Date.now() }), joined);
        saveRecent(recentPath, recent);
        rebuildMenu();
      }),
    onClosed: (callerId) => {
      if (unread.remove(callerId)) showBadge();
    },
  });
  /** A route in the focused window, or a new window when there is none. */
  const openRoute = (hash: string) => {
    const win = windows.current();
    if (win) windows.command(win, { kind: 'navigate', hash });
    else void windows.open(hash);
  };
  rebuildMenu();

  handleLink = createLinkHandler({ windows, handlers });
  app.on('second-instance', (_event, argv) => {
    const link = linkFromArgv(argv);
    if (link) return handleLink!(link);
    const win = windows.current();
    if (win) {
      if (win.isMinimized()) win.restore();
      win.focus();
    } else void windows.open();
  });
  if (earlyLinks.length > 0) for (const link of earlyLinks.splice(0)) handleLink(link);
  else await windows.open();

  void startAutoUpdate();

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

/** electron-updater, only when turned on (auto-update.ts); loaded lazily so it costs nothing when off. */
async function startAutoUpdate(): Promise<void> {
  const decision = updateDecision({ isPackaged: app.isPackaged, env: process.env, settings: loadDesktopSettings(settingsFile(dataDir)) });
  if (decision.kind === 'off') return;
  try {
    const updater = await import('electron-updater');
    const autoUpdater = updater.autoUpdater ?? (updater as unknown as { default: typeof updater }).default.autoUpdater;
    autoUpdater.setFeedURL({ provider: 'generic', url: decision.feedUrl });
    autoUpdater.on('error', (err) => console.error(`update check failed (${decision.feedUrl}):`, err.message));
    await autoUpdater.checkForUpdatesAndNotify();
  } catch (err) {
    console.error(`update check failed (${decision.feedUrl}):`, err);
  }
}

app.on('window-all-closed', () => app.quit());
if (isPrimary) {
  app.whenReady().then(boot).catch((err: unknown) => {
    console.error('Driftdesk failed to start:', err);
    app.exit(1);
  });
}
