/**
 * The application menu as a pure function of what it shows (platform, dev or not, recent
 * workspaces) and what its items do, so menu-template.test.ts can check items and shortcuts
 * without Electron. index.ts passes the result to Menu.buildFromTemplate.
 */
import type { MenuItemConstructorOptions } from 'electron';
import type { RecentWorkspace } from './recent-workspaces.ts';

export interface MenuActions {
  newWindow(): void;
  /** The workspace list (start page) in the focused window. */
  openWorkspace(): void;
  openRecent(workspaceId: string): void;
  clearRecent(): void;
  commandPalette(): void;
  /** The README that ships with the app (there is no docs site to link to). */
  openDocs(): void;
}

export interface MenuOptions {
  platform: string;
  /** Unpackaged (npm start): adds Reload and the developer tools. */
  isDev: boolean;
  recent: readonly RecentWorkspace[];
  actions: MenuActions;
}

export function buildMenuTemplate({ platform, isDev, recent, actions }: MenuOptions): MenuItemConstructorOptions[] {
  const mac = platform === 'darwin';
  const recentItems: MenuItemConstructorOptions[] =
    recent.length === 0
      ? [{ label: 'No Recent Workspaces', enabled: false }]
      : [
          ...recent.map((r, i): MenuItemConstructorOptions => ({
            // `&` would become a mnemonic on Windows/Linux; a workspace name is shown as typed.
            label: r.name.replace(/&/g, '&&'),
            ...(i < 9 ? { accelerator: `CmdOrCtrl+Alt+${i + 1}` } : {}),
            click: () => actions.openRecent(r.workspaceId),
          })),
          { type: 'separator' },
          { label: 'Clear Recent Workspaces', click: () => actions.clearRecent() },
        ];
  return [
    ...(mac ? [{ role: 'appMenu' } as const] : []),
    {
      label: '&File',
      submenu: [
        { label: 'New Window', accelerator: 'CmdOrCtrl+Shift+N', click: () => actions.newWindow() },
        { label: 'Open Workspace…', accelerator: 'CmdOrCtrl+O', click: () => actions.openWorkspace() },
        { label: 'Recent Workspaces', submenu: recentItems },
        { type: 'separator' },
        { role: 'close' },
        ...(mac ? [] : [{ type: 'separator' } as const, { role: 'quit' } as const]),
      ],
    },
    { role: 'editMenu' },
    {
      label: '&View',
      submenu: [
        // The page handles Ctrl/Cmd+K itself (command-palette.tsx); registering the accelerator
        // would swallow the key before the page sees it, so the menu only shows it and clicks.
        { label: 'Command Palette…', accelerator: 'CmdOrCtrl+K', registerAccelerator: false, click: () => actions.commandPalette() },
        { type: 'separator' },
        ...(isDev ? [{ role: 'reload' } as const, { role: 'forceReload' } as const, { role: 'toggleDevTools' } as const, { type: 'separator' } as const] : []),
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: [{ label: 'Driftdesk Documentation', click: () => actions.openDocs() }],
    },
  ];
}

/** macOS dock menu: the recent workspaces and New Window (the dock adds Quit itself). */
export function dockMenuTemplate(recent: readonly RecentWorkspace[], actions: Pick<MenuActions, 'newWindow' | 'openRecent'>): MenuItemConstructorOptions[] {
  return [
    ...recent.slice(0, 5).map((r): MenuItemConstructorOptions => ({ label: r.name.replace(/&/g, '&&'), click: () => actions.openRecent(r.workspaceId) })),
    ...(recent.length > 0 ? [{ type: 'separator' } as const] : []),
    { label: 'New Window', click: () => actions.newWindow() },
  ];
}
