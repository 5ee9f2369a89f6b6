/**
 * The app's windows: each hardened (window-policy.ts), placed where that window slot was last
 * (window-state.ts), attached to the host's events, and reporting the workspace it shows so the
 * shell can keep recent workspaces and reload a page whose CSP predates a newly joined server.
 */
import { BrowserWindow, screen } from 'electron';
import type { HostEventMessage, HostHandlers, ShellCommand } from '../shared/host-contract.ts';
import type { HostEventBus } from '../node/host-events.ts';
import type { OpenWindow } from './deep-link-route.ts';
import { workspaceOfUrl } from './deep-link-route.ts';
import { windowCallerId } from './ipc-handlers.ts';
import { APP_INDEX_URL, needsCspReload } from './window-policy.ts';
import { type WindowState, MIN_SIZE, freeSlot, initialWindowState, loadWindowStates, saveWindowStates } from './window-state.ts';

export interface DesktopWindowsDeps {
  preload: string;
  stateFile: string;
  handlers: HostHandlers;
  events: HostEventBus;
  /** The server origins a page loaded now would admit (the CSP's connect-src). */
  knownOrigins(): Promise<string[]>;
  webPreferences(preload: string): Electron.WebPreferences;
  /** A window now shows this workspace (for recent workspaces). */
  onWorkspaceShown(workspaceId: string): void;
  onClosed(callerId: string): void;
}

export class DesktopWindows {
  private readonly states: (WindowState | null)[];
  private readonly slots = new Map<number, number>(); // webContents id → slot
  private readonly focusedAt = new Map<number, number>();

  constructor(private readonly deps: DesktopWindowsDeps) {
    this.states = loadWindowStates(deps.stateFile);
  }

  all(): BrowserWindow[] {
    return BrowserWindow.getAllWindows().filter((w) => !w.isDestroyed() && this.slots.has(w.webContents.id));
  }

  /** The windows as deep-link routing sees them. */
  describe(): OpenWindow[] {
    return this.all().map((w) => ({ id: w.webContents.id, url: w.webContents.getURL(), focusedAt: this.focusedAt.get(w.webContents.id) ?? 0 }));
  }

  byId(webContentsId: number): BrowserWindow | undefined {
    return this.all().find((w) => w.webContents.id === webContentsId);
  }

  /** The focused window, else the one focused last. */
  current(): BrowserWindow | undefined {
    return BrowserWindow.getFocusedWindow() ?? [...this.all()].sort((a, b) => (this.focusedAt.get(b.webContents.id) ?? 0) - (this.focusedAt.get(a.webContents.id) ?? 0))[0];
  }

  command(win: BrowserWindow, command: ShellCommand): void {
    const message: HostEventMessage = { event: 'shell.command', payload: command };
    win.webContents.send('driftdesk:event', message);
    if (win.isMinimized()) win.restore();
    win.focus();
  }

  /** Opens a window on `hash` (a route, `#/w/…`; the workspace list when empty). */
  async open(hash = ''): Promise<BrowserWindow> {
    const slot = freeSlot(this.slots.values());
    const placed = initialWindowState(this.states[slot] ?? undefined, screen.getAllDisplays().map((d) => d.workArea));
    const win = new BrowserWindow({
      ...placed.bounds,
      minWidth: MIN_SIZE.width,
      minHeight: MIN_SIZE.height,
      title: 'Driftdesk',
      show: false,
      webPreferences: this.deps.webPreferences(this.deps.preload),
    });
    const id = win.webContents.id;
    const callerId = windowCallerId(id);
    this.slots.set(id, slot);
    this.focusedAt.set(id, Date.now());
    if (placed.maximized) win.maximize();
    win.once('ready-to-show', () => win.show());
    win.on('focus', () => this.focusedAt.set(id, Date.now()));

    // Windows on one workspace stay in step through the host (doc.updated events).
    const detach = this.deps.events.attach(callerId, (message) => win.webContents.send('driftdesk:event', message));
    // The origins the current document's CSP admits (what the app:// handler computed as it loaded).
    let admitted: Promise<string[]> = Promise.resolve([]);
    win.webContents.on('did-navigate', (_e, url) => {
      admitted = this.deps.knownOrigins();
      const workspaceId = workspaceOfUrl(url);
      if (workspaceId) this.deps.onWorkspaceShown(workspaceId);
    });
    // Routes change in the page; a workspace on a server this page's CSP predates needs a reload.
    win.webContents.on('did-navigate-in-page', (_e, url) => {
      const workspaceId = workspaceOfUrl(url);
      if (!workspaceId) return;
      this.deps.onWorkspaceShown(workspaceId);
      void Promise.all([admitted, this.deps.handlers['workspaces.list']({}, { id: callerId })]).then(([origins, list]) => {
        const conn = list.find((c) => c.workspaceId === workspaceId);
        if (conn && needsCspReload(origins, conn.serverUrl) && !win.isDestroyed()) win.webContents.reload();
      });
    });

    let saveTimer: NodeJS.Timeout | undefined;
    const remember = () => {
      if (win.isDestroyed()) return;
      this.states[slot] = { bounds: win.getNormalBounds(), maximized: win.isMaximized() };
      saveWindowStates(this.deps.stateFile, this.states);
    };
    const rememberSoon = () => {
      clearTimeout(saveTimer);
      saveTimer = setTimeout(remember, 500);
    };
    for (const e of ['resize', 'move', 'maximize', 'unmaximize'] as const) win.on(e as 'resize', rememberSoon);
    win.on('close', () => {
      clearTimeout(saveTimer);
      remember();
    });
    win.on('closed', () => {
      detach();
      this.slots.delete(id);
      this.focusedAt.delete(id);
      this.deps.onClosed(callerId);
    });
    await win.loadURL(`${APP_INDEX_URL}${hash}`);
    return win;
  }
}
