/* global setTimeout, Response, Request */
/**
 * A stand-in for the `electron` module, for test/integration/electron-main.test.ts: just enough
 * of Electron's main-process API for src/main/index.ts to boot its real host (SQLite cache,
 * embedded sync server), recording what main asks of Electron. Once main has opened its window,
 * `probe()` drives what Electron would (an app:// request, IPC from a frame, navigation, a deep
 * link, closing and quitting) and prints the results as one JSON line.
 * It checks our wiring, not Electron: nothing here says how the real runtime behaves.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const listeners = (target) => {
  const map = new Map();
  target.on = (event, fn) => ((map.get(event) ?? map.set(event, []).get(event)).push(fn), target);
  target.once = target.on;
  target.emit = (event, ...args) => (map.get(event) ?? []).map((fn) => fn(...args));
  return target;
};
const calls = [];
const record = (name, ...args) => (calls.push([name, ...args]), undefined);
let nextId = 1;
const windows = [];
let protocolHandler = null;
let ipcHandler = null;
let permissionRequest = null;
let permissionCheck = null;
let menuTemplate = null;
const paths = {};

export const app = listeners({
  isPackaged: false,
  setName: (n) => record('app.setName', n),
  enableSandbox: () => record('app.enableSandbox'),
  getPath: (name) => paths[name] ?? `/tmp/stand-in-${name}`,
  setPath: (name, value) => (paths[name] = value),
  requestSingleInstanceLock: () => true,
  setAsDefaultProtocolClient: (...a) => record('app.setAsDefaultProtocolClient', ...a),
  whenReady: () => new Promise((r) => setTimeout(r, 10)),
  getAppPath: () => process.cwd(),
  getVersion: () => '0.1.0',
  setBadgeCount: (n) => (record('app.setBadgeCount', n), true),
  quit: () => record('app.quit'),
  exit: (code) => {
    console.log(JSON.stringify({ exited: code, calls }));
    process.exit(code);
  },
});

export class BrowserWindow {
  static getAllWindows = () => windows.filter((w) => !w.destroyed);
  static getFocusedWindow = () => null;
  constructor(options) {
    listeners(this);
    this.options = options;
    this.destroyed = false;
    const id = nextId++;
    this.webContents = listeners({
      id,
      url: '',
      sent: [],
      getURL: () => this.webContents.url,
      send: (channel, message) => this.webContents.sent.push([channel, message]),
      reload: () => record('webContents.reload', id),
      setWindowOpenHandler: (fn) => (this.webContents.openHandler = fn),
    });
    windows.push(this);
    app.emit('web-contents-created', {}, this.webContents);
  }
  async loadURL(url) {
    this.webContents.url = url;
    this.webContents.emit('did-navigate', {}, url);
  }
  isDestroyed = () => this.destroyed;
  isMinimized = () => false;
  isMaximized = () => false;
  maximize = () => record('win.maximize');
  restore() {}
  show() {}
  focus() {}
  getNormalBounds = () => ({ x: this.options.x, y: this.options.y, width: this.options.width, height: this.options.height });
  setOverlayIcon = (...a) => record('win.setOverlayIcon', ...a);
}

export const protocol = {
  registerSchemesAsPrivileged: (schemes) => record('protocol.registerSchemesAsPrivileged', schemes),
  handle: (scheme, fn) => ((protocolHandler = fn), record('protocol.handle', scheme)),
};
export const ipcMain = { handle: (channel, fn) => ((ipcHandler = fn), record('ipcMain.handle', channel)) };
export const session = {
  defaultSession: {
    setPermissionRequestHandler: (fn) => (permissionRequest = fn),
    setPermissionCheckHandler: (fn) => (permissionCheck = fn),
  },
};
export const Menu = { buildFromTemplate: (t) => ((menuTemplate = t), t), setApplicationMenu: () => {} };
// Every question is answered with its cancel button.
const lastArg = (args) => args[args.length - 1];
export const dialog = {
  showErrorBox: (...a) => record('dialog.showErrorBox', ...a),
  showMessageBox: async (...a) => (record('dialog.showMessageBox', lastArg(a).message), { response: lastArg(a).cancelId }),
  showMessageBoxSync: () => 0,
};
export const shell = { openExternal: async (url) => record('shell.openExternal', url), openPath: async (p) => record('shell.openPath', p) };
export const nativeImage = { createFromPath: (p) => ({ path: p }) };
export const screen = { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] };
export const net = { fetch: async (url) => new Response(await readFile(fileURLToPath(url))) };

const wait = (ms) => new Promise((r) => setTimeout(r, ms));

async function probe() {
  for (let i = 0; i < 300 && !(windows[0]?.webContents.url && ipcHandler && protocolHandler); i++) await wait(50);
  const win = windows[0];
  const out = { calls, window: { url: win.webContents.url, webPreferences: win.options.webPreferences } };
  const fetchApp = async (url) => {
    const res = await protocolHandler(new Request(url));
    return { status: res.status, csp: res.headers.get('content-security-policy'), body: (await res.text()).slice(0, 2000) };
  };
  out.index = await fetchApp('app://driftdesk/index.html');
  out.escape = await fetchApp('app://driftdesk/%2e%2e/%2e%2e/package.json');
  const frame = (url, parent = null) => ({ url, parent });
  const invoke = (senderFrame, channel, req) => ipcHandler({ sender: { id: win.webContents.id }, senderFrame }, channel, req);
  out.list = await invoke(frame('app://driftdesk/index.html'), 'workspaces.list', {});
  out.untrusted = await invoke(frame('https://evil.example/'), 'workspaces.list', {});
  out.subframe = await invoke(frame('app://driftdesk/index.html', {}), 'workspaces.list', {});
  const ws = out.list.value?.[0]?.workspaceId;
  out.badge = await invoke(frame('app://driftdesk/index.html'), 'app.unreadMentions', { workspaceId: ws, count: 4 });
  out.badBadge = await invoke(frame('app://driftdesk/index.html'), 'app.unreadMentions', { workspaceId: ws, count: 'four' });
  const prevented = [];
  win.webContents.emit('will-navigate', { preventDefault: () => prevented.push('https') }, 'https://example.com/docs');
  win.webContents.emit('will-navigate', { preventDefault: () => prevented.push('file') }, 'file:///etc/passwd');
  win.webContents.emit('will-navigate', { preventDefault: () => prevented.push('app') }, 'app://driftdesk/index.html#/');
  win.webContents.emit('will-redirect', { preventDefault: () => prevented.push('redirect') }, 'https://example.com/redirected');
  out.prevented = prevented;
  out.windowOpen = [win.webContents.openHandler({ url: 'https://example.com/x' }), win.webContents.openHandler({ url: 'app://driftdesk/index.html' })];
  out.permissions = await Promise.all(
    ['notifications', 'media', 'geolocation', 'clipboard-sanitized-write'].map((p) => new Promise((r) => permissionRequest(win.webContents, p, r, { requestingUrl: 'app://driftdesk/index.html' }))),
  );
  out.permissionCheck = [permissionCheck(win.webContents, 'notifications', 'app://driftdesk', {}), permissionCheck(win.webContents, 'notifications', 'https://evil.example', {})];
  out.menu = menuTemplate.map((m) => m.label ?? m.role);
  // A deep link from a second launch goes to the window on the workspace list.
  app.emit('second-instance', {}, ['/usr/bin/driftdesk', `driftdesk://workspace/${ws}/incidents`]);
  win.webContents.url = `app://driftdesk/index.html#/w/${ws}/incidents`;
  win.webContents.emit('did-navigate-in-page', {}, win.webContents.url);
  await wait(300);
  out.menuAfter = menuTemplate[0].submenu.find((i) => i.label === 'Recent Workspaces').submenu.map((i) => i.label);
  // macOS hands links over with open-url: a workspace no window shows opens a new window.
  app.emit('open-url', { preventDefault: () => record('open-url.preventDefault') }, 'driftdesk://workspace/ws_elsewhere/runs/r%201');
  // An invite asks first; cancelled, nothing is joined.
  app.emit('second-instance', {}, ['/usr/bin/driftdesk', 'driftdesk://join?server=http%3A%2F%2F10.9.9.9%3A4455&token=ddt_x']);
  await wait(300);
  out.windows = BrowserWindow.getAllWindows().map((w) => w.webContents.url);
  out.afterInvite = await invoke(frame('app://driftdesk/index.html'), 'workspaces.list', {});
  out.sent = win.webContents.sent.map(([channel, message]) => [channel, message]);
  win.emit('close');
  win.destroyed = true;
  win.emit('closed');
  app.emit('before-quit', { preventDefault: () => record('before-quit.preventDefault') });
  await wait(500);
  console.log(JSON.stringify(out));
  process.exit(0);
}
void probe();
