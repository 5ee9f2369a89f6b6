/**
 * Electron main: windows with contextIsolation, sandbox and no nodeIntegration; the host
 * contract over IPC from our own pages only; navigation and new windows refused; host events
 * (another window's edits) sent to every window; a warning when quitting with unpushed edits.
 */
import { BrowserWindow, Menu, app, dialog, ipcMain, shell } from 'electron';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { dispatchHostCall } from '../shared/host-contract.ts';
import { startAppHost } from '../node/app-host.ts';

app.setName('Driftdesk');

// better-sqlite3 built against Electron's ABI lives beside the Node build (see README),
// so tests and the app never rebuild each other's binary.
const electronBinding = join(app.getAppPath(), 'build/native/electron/better_sqlite3.node');

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
  const rendererIndex = join(__dirname, '../renderer/index.html');

  ipcMain.handle('driftdesk:host', (event, channel: unknown, req: unknown) => {
    if (!event.senderFrame?.url.startsWith('file://')) return { kind: 'error', message: 'host calls come from the app only' };
    return dispatchHostCall(host.handlers, channel, req, { id: `window-${event.sender.id}` });
  });

  const openWindow = async (): Promise<void> => {
    const win = new BrowserWindow({
      width: 1280,
      height: 820,
      title: 'Driftdesk',
      webPreferences: {
        preload: join(__dirname, '../preload/index.cjs'),
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        webSecurity: true,
      },
    });
    // Windows on one workspace stay in step through the host (doc.updated events).
    const detach = host.events.attach(`window-${win.webContents.id}`, (message) => win.webContents.send('driftdesk:event', message));
    win.on('closed', detach);
    win.webContents.setWindowOpenHandler(({ url }) => {
      if (/^https?:\/\//.test(url)) void shell.openExternal(url);
      return { action: 'deny' };
    });
    win.webContents.on('will-navigate', (event, url) => {
      if (!url.startsWith('file://')) event.preventDefault();
    });
    await win.loadFile(rendererIndex);
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
