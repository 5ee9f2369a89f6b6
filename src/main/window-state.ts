/**
 * Window size and position, remembered per window (slot 0 is the first window, 1 the second …)
 * in the app data folder, and put back on a display that still exists: a window saved on a
 * monitor that has since been unplugged must not open off screen.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { readJsonFile, writeJsonFile } from './json-file.ts';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface WindowState {
  bounds: Rect;
  maximized: boolean;
}

export const DEFAULT_SIZE = { width: 1280, height: 820 };
export const MIN_SIZE = { width: 640, height: 480 };
/** How much of a window must be on a display to leave it where it is (enough to grab the title bar). */
const MIN_VISIBLE = { width: 120, height: 60 };

function overlap(a: Rect, b: Rect): Rect | null {
  const x = Math.max(a.x, b.x);
  const y = Math.max(a.y, b.y);
  const width = Math.min(a.x + a.width, b.x + b.width) - x;
  const height = Math.min(a.y + a.height, b.y + b.height) - y;
  return width > 0 && height > 0 ? { x, y, width, height } : null;
}

/**
 * `bounds` made to fit the displays' work areas (primary first): kept on the display it overlaps
 * most if enough of it shows there, else centred on the primary; never larger than that work
 * area, never smaller than MIN_SIZE (unless the display is), and wholly inside it.
 */
export function clampToDisplays(bounds: Rect, workAreas: readonly Rect[]): Rect {
  const primary = workAreas[0];
  if (!primary) return { x: 0, y: 0, ...DEFAULT_SIZE };
  let best: { area: Rect; seen: Rect } | null = null;
  for (const area of workAreas) {
    const seen = overlap(bounds, area);
    if (seen && (!best || seen.width * seen.height > best.seen.width * best.seen.height)) best = { area, seen };
  }
  const visible = best && best.seen.width >= Math.min(MIN_VISIBLE.width, bounds.width) && best.seen.height >= Math.min(MIN_VISIBLE.height, bounds.height);
  const area = visible ? best!.area : primary;
  const width = Math.min(area.width, Math.max(MIN_SIZE.width, Math.round(bounds.width)));
  const height = Math.min(area.height, Math.max(MIN_SIZE.height, Math.round(bounds.height)));
  const x = visible ? bounds.x : area.x + (area.width - width) / 2;
  const y = visible ? bounds.y : area.y + (area.height - height) / 2;
  return {
    x: Math.round(Math.min(Math.max(x, area.x), area.x + area.width - width)),
    y: Math.round(Math.min(Math.max(y, area.y), area.y + area.height - height)),
    width,
    height,
  };
}

/** Where window `slot` opens: its saved state fitted to today's displays, or the default size centred. */
export function initialWindowState(saved: WindowState | undefined, workAreas: readonly Rect[]): WindowState {
  if (!saved) return { bounds: clampToDisplays({ x: -1e6, y: -1e6, ...DEFAULT_SIZE }, workAreas), maximized: false };
  return { bounds: clampToDisplays(saved.bounds, workAreas), maximized: saved.maximized };
}

/** The lowest slot no open window holds: a second window gets the second window's place. */
export function freeSlot(taken: Iterable<number>): number {
  const used = new Set(taken);
  let slot = 0;
  while (used.has(slot)) slot++;
  return slot;
}

const rect = z.object({ x: z.number().finite(), y: z.number().finite(), width: z.number().finite().positive(), height: z.number().finite().positive() });
const fileSchema = z.object({ version: z.literal(1), windows: z.array(z.object({ bounds: rect, maximized: z.boolean() }).nullable()).max(32) });

export function windowStateFile(dataDir: string): string {
  return join(dataDir, 'window-state.json');
}

/** Saved states by slot (null where a slot has none); empty when the file is missing or damaged. */
export function loadWindowStates(file: string, warn: (message: string) => void = console.warn): (WindowState | null)[] {
  const read = readJsonFile(file, fileSchema);
  if (read.kind === 'invalid') warn(`ignoring saved window positions: ${read.message}`);
  return read.kind === 'ok' ? read.value.windows : [];
}

export function saveWindowStates(file: string, states: readonly (WindowState | null)[]): void {
  writeJsonFile(file, { version: 1, windows: states.slice(0, 32) });
}
