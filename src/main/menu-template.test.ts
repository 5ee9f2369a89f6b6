import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { buildMenuTemplate, dockMenuTemplate } from './menu-template.ts';

function setup(platform: string, isDev: boolean, recent = [{ workspaceId: 'ws_a', name: 'Churn & Co', openedAt: 2 }, { workspaceId: 'ws_b', name: 'Fraud', openedAt: 1 }]) {
  const calls: string[] = [];
  const actions = {
    newWindow: () => calls.push('newWindow'),
    openWorkspace: () => calls.push('openWorkspace'),
    openRecent: (id: string) => calls.push(`openRecent:${id}`),
    clearRecent: () => calls.push('clearRecent'),
    commandPalette: () => calls.push('commandPalette'),
    openDocs: () => calls.push('openDocs'),
  };
  return { template: buildMenuTemplate({ platform, isDev, recent, actions }), calls };
}
const sub = (item: MenuItemConstructorOptions | undefined) => (item?.submenu ?? []) as MenuItemConstructorOptions[];
const byLabel = (items: MenuItemConstructorOptions[], label: string) => items.find((i) => i.label === label);
const click = (item: MenuItemConstructorOptions | undefined) => (item!.click as () => void)();

describe('application menu', () => {
  it('has File, Edit, View, Window, Help (and the app menu on macOS only)', () => {
    const linux = setup('linux', false).template;
    expect(linux.map((m) => m.label ?? m.role)).toEqual(['&File', 'editMenu', '&View', 'windowMenu', 'help']);
    expect(setup('darwin', false).template[0]!.role).toBe('appMenu');
  });

  it('File: new window, open workspace, recent workspaces with shortcuts, quit outside macOS', () => {
    const { template, calls } = setup('win32', false);
    const file = sub(template[0]);
    expect(byLabel(file, 'New Window')!.accelerator).toBe('CmdOrCtrl+Shift+N');
    expect(byLabel(file, 'Open Workspace…')!.accelerator).toBe('CmdOrCtrl+O');
    const recent = sub(byLabel(file, 'Recent Workspaces'));
    expect(recent.map((r) => r.label)).toEqual(['Churn && Co', 'Fraud', undefined, 'Clear Recent Workspaces']);
    expect(recent[1]!.accelerator).toBe('CmdOrCtrl+Alt+2');
    click(byLabel(file, 'New Window'));
    click(recent[1]);
    click(recent[3]);
    expect(calls).toEqual(['newWindow', 'openRecent:ws_b', 'clearRecent']);
    expect(file.at(-1)!.role).toBe('quit');
    expect(sub(setup('darwin', false).template[1]).some((i) => i.role === 'quit')).toBe(false);
  });

  it('says so when there are no recent workspaces', () => {
    const recent = sub(byLabel(sub(setup('linux', false, []).template[0]), 'Recent Workspaces'));
    expect(recent).toEqual([{ label: 'No Recent Workspaces', enabled: false }]);
  });

  it('View: Command Palette on Ctrl/Cmd+K left to the page, zoom, and Reload/devtools in development only', () => {
    const view = (dev: boolean) => sub(setup('linux', dev).template.find((m) => m.label === '&View'));
    const palette = byLabel(view(false), 'Command Palette…')!;
    expect(palette).toMatchObject({ accelerator: 'CmdOrCtrl+K', registerAccelerator: false });
    expect(view(false).map((i) => i.role).filter(Boolean)).toEqual(['resetZoom', 'zoomIn', 'zoomOut', 'togglefullscreen']);
    expect(view(true).map((i) => i.role).filter(Boolean)).toEqual(['reload', 'forceReload', 'toggleDevTools', 'resetZoom', 'zoomIn', 'zoomOut', 'togglefullscreen']);
  });

  it('Help opens the documentation', () => {
    const { template, calls } = setup('linux', false);
    click(sub(template.at(-1))[0]);
    expect(calls).toEqual(['openDocs']);
  });
});

describe('dock menu (macOS)', () => {
  it('lists up to five recent workspaces, then New Window', () => {
    const calls: string[] = [];
    const recent = Array.from({ length: 7 }, (_, i) => ({ workspaceId: `ws_${i}`, name: `W${i}`, openedAt: i }));
    const dock = dockMenuTemplate(recent, { newWindow: () => calls.push('new'), openRecent: (id) => calls.push(id) });
    expect(dock.map((i) => i.label ?? i.type)).toEqual(['W0', 'W1', 'W2', 'W3', 'W4', 'separator', 'New Window']);
    click(dock[1]);
    click(dock.at(-1));
    expect(calls).toEqual(['ws_1', 'new']);
    expect(dockMenuTemplate([], { newWindow: () => {}, openRecent: () => {} }).map((i) => i.label)).toEqual(['New Window']);
  });
});
