import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { clampToDisplays, freeSlot, initialWindowState, loadWindowStates, saveWindowStates, windowStateFile } from './window-state.ts';

const laptop = { x: 0, y: 25, width: 1440, height: 875 };
const external = { x: 1440, y: 0, width: 2560, height: 1415 };
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('window bounds on the displays there are', () => {
  it('leaves a window that is on a display where it is', () => {
    expect(clampToDisplays({ x: 1600, y: 100, width: 1200, height: 800 }, [laptop, external])).toEqual({ x: 1600, y: 100, width: 1200, height: 800 });
  });

  it('brings back a window saved on a monitor that is gone, centred on the primary', () => {
    expect(clampToDisplays({ x: 1600, y: 100, width: 1200, height: 800 }, [laptop])).toEqual({ x: 120, y: 63, width: 1200, height: 800 });
  });

  it('pulls a window hanging off an edge inside, and shrinks one larger than the display', () => {
    expect(clampToDisplays({ x: 1300, y: 700, width: 1000, height: 600 }, [laptop])).toEqual({ x: 440, y: 300, width: 1000, height: 600 });
    expect(clampToDisplays({ x: 0, y: 0, width: 4000, height: 3000 }, [laptop])).toEqual({ x: 0, y: 25, width: 1440, height: 875 });
  });

  it('moves a window with only a sliver showing (title bar out of reach)', () => {
    expect(clampToDisplays({ x: 1400, y: 100, width: 800, height: 600 }, [laptop])).toEqual({ x: 320, y: 163, width: 800, height: 600 });
  });

  it('keeps a minimum size, and survives having no display information', () => {
    expect(clampToDisplays({ x: 10, y: 30, width: 50, height: 40 }, [laptop])).toEqual({ x: 10, y: 30, width: 640, height: 480 });
    expect(clampToDisplays({ x: 10, y: 30, width: 800, height: 600 }, [])).toEqual({ x: 0, y: 0, width: 1280, height: 820 });
  });

  it('opens a first window at the default size, centred', () => {
    expect(initialWindowState(undefined, [laptop])).toEqual({ bounds: { x: 80, y: 53, width: 1280, height: 820 }, maximized: false });
    expect(initialWindowState({ bounds: { x: 5000, y: 5000, width: 900, height: 700 }, maximized: true }, [laptop]).maximized).toBe(true);
  });

  it('gives each new window the lowest free slot', () => {
    expect(freeSlot([])).toBe(0);
    expect(freeSlot([0, 1, 3])).toBe(2);
  });
});

describe('window state file', () => {
  it('round-trips per slot, and a damaged file is reported and ignored', () => {
    const dir = mkdtempSync(join(tmpdir(), 'driftdesk-winstate-'));
    dirs.push(dir);
    const file = windowStateFile(dir);
    expect(loadWindowStates(file)).toEqual([]);
    const states = [{ bounds: { x: 1, y: 2, width: 800, height: 600 }, maximized: false }, null, { bounds: { x: 5, y: 6, width: 900, height: 700 }, maximized: true }];
    saveWindowStates(file, states);
    expect(loadWindowStates(file)).toEqual(states);
    const warnings: string[] = [];
    writeFileSync(file, '{"version":1,"windows":[{"bounds":{"x":1,"y":2,"width":-5,"height":3},"maximized":false}]}');
    expect(loadWindowStates(file, (m) => warnings.push(m))).toEqual([]);
    expect(warnings).toEqual([`ignoring saved window positions: ${file}: windows.0.bounds.width: Too small: expected number to be >0`]);
    writeFileSync(file, '{"version":1,');
    expect(loadWindowStates(file, (m) => warnings.push(m))).toEqual([]);
    expect(warnings[1]).toMatch(/window-state\.json: not JSON/);
  });
});
