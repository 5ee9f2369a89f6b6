/**
 * Electron main: one window with contextIsolation, sandbox and no nodeIntegration; the host
 * contract over IPC from our own pages only; navigation and new windows refused.
 */
import { BrowserWindow, app, ipcMain, shell } from 'electron';
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
    return dispatchHostCall(host.handlers, channel, req);
  });

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
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https?:\/\//.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  win.webContents.on('will-navigate', (event, url) => {
    if (!url.startsWith('file://')) event.preventDefault();
  });
  await win.loadFile(rendererIndex);

  app.on('before-quit', () => void host.close());
}

app.on('window-all-closed', () => app.quit());
app.whenReady().then(boot).catch((err: unknown) => {
  console.error('Driftdesk failed to start:', err);
  app.exit(1);
});
