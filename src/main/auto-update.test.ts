import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDesktopSettings, settingsFile, updateDecision } from './auto-update.ts';

const on = { autoUpdate: { enabled: true, feedUrl: 'https://updates.example.com/driftdesk/' } };

describe('auto-update decision', () => {
  it('is off by default, and always in development', () => {
    expect(updateDecision({ isPackaged: true, env: {}, settings: {} })).toEqual({ kind: 'off', reason: 'not enabled' });
    expect(updateDecision({ isPackaged: false, env: { DRIFTDESK_UPDATE_URL: 'https://u.example.com' }, settings: on })).toEqual({ kind: 'off', reason: 'development build' });
  });

  it('turns on with a feed from the settings or the environment', () => {
    expect(updateDecision({ isPackaged: true, env: {}, settings: on })).toEqual({ kind: 'on', feedUrl: 'https://updates.example.com/driftdesk/' });
    expect(updateDecision({ isPackaged: true, env: { DRIFTDESK_UPDATE_URL: 'http://127.0.0.1:8080/feed' }, settings: {} })).toEqual({ kind: 'on', feedUrl: 'http://127.0.0.1:8080/feed' });
    expect(updateDecision({ isPackaged: true, env: { DRIFTDESK_AUTO_UPDATE: '0' }, settings: on }).kind).toBe('off');
  });

  it('refuses feeds that are not https (except loopback) and says why', () => {
    expect(updateDecision({ isPackaged: true, env: { DRIFTDESK_UPDATE_URL: 'http://updates.example.com' }, settings: {} })).toEqual({ kind: 'off', reason: 'update feed must be https (or http on loopback): http://updates.example.com' });
    expect(updateDecision({ isPackaged: true, env: {}, settings: { autoUpdate: { enabled: true } } })).toEqual({ kind: 'off', reason: 'autoUpdate.enabled but no autoUpdate.feedUrl' });
  });

  it('reads the settings file, reporting a damaged one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'driftdesk-settings-'));
    try {
      const file = settingsFile(dir);
      expect(loadDesktopSettings(file)).toEqual({});
      writeFileSync(file, JSON.stringify(on));
      expect(loadDesktopSettings(file)).toEqual(on);
      writeFileSync(file, '{"autoUpdate":{"enabled":"yes"}}');
      const warnings: string[] = [];
      expect(loadDesktopSettings(file, (m) => warnings.push(m))).toEqual({});
      expect(warnings[0]).toContain('desktop-settings.json: autoUpdate.enabled');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
