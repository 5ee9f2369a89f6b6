/**
 * Whether the app checks for updates, and where. Off unless asked for: a packaged build checks
 * a generic electron-updater feed when DRIFTDESK_UPDATE_URL is set, or when the settings file
 * (desktop-settings.json in the data folder) says `"autoUpdate": { "enabled": true, "feedUrl": … }`.
 * Never in development (an unpacked app has no update to apply). DRIFTDESK_AUTO_UPDATE=0 turns it
 * off whatever the settings say (a fleet that updates by other means).
 */
import { join } from 'node:path';
import { z } from 'zod';
import { readJsonFile } from './json-file.ts';

export type UpdateDecision = { kind: 'on'; feedUrl: string } | { kind: 'off'; reason: string };

export const desktopSettingsSchema = z.object({
  autoUpdate: z.object({ enabled: z.boolean(), feedUrl: z.string().max(2000).optional() }).optional(),
});
export type DesktopSettings = z.infer<typeof desktopSettingsSchema>;

export function settingsFile(dataDir: string): string {
  return join(dataDir, 'desktop-settings.json');
}

/** The settings file; `{}` when missing; a damaged file is reported and treated as `{}`. */
export function loadDesktopSettings(file: string, warn: (message: string) => void = console.warn): DesktopSettings {
  const read = readJsonFile(file, desktopSettingsSchema);
  if (read.kind === 'invalid') warn(`ignoring desktop settings: ${read.message}`);
  return read.kind === 'ok' ? read.value : {};
}

/** A feed must be https, or http on loopback (a local test feed): update files run as code. */
function feedProblem(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `update feed URL is not a URL: ${url}`;
  }
  if (parsed.protocol === 'https:') return null;
  if (parsed.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname)) return null;
  return `update feed must be https (or http on loopback): ${url}`;
}

export function updateDecision({ isPackaged, env, settings }: { isPackaged: boolean; env: Record<string, string | undefined>; settings: DesktopSettings }): UpdateDecision {
  if (!isPackaged) return { kind: 'off', reason: 'development build' };
  if (env.DRIFTDESK_AUTO_UPDATE === '0') return { kind: 'off', reason: 'DRIFTDESK_AUTO_UPDATE=0' };
  const feedUrl = env.DRIFTDESK_UPDATE_URL || (settings.autoUpdate?.enabled ? settings.autoUpdate.feedUrl : undefined);
  if (!feedUrl) return { kind: 'off', reason: settings.autoUpdate?.enabled ? 'autoUpdate.enabled but no autoUpdate.feedUrl' : 'not enabled' };
  const problem = feedProblem(feedUrl);
  return problem ? { kind: 'off', reason: problem } : { kind: 'on', feedUrl };
}
