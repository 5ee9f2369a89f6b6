import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where Driftdesk keeps its data: `DRIFTDESK_DATA_DIR` when set (tests, portable installs),
 * else the platform's app-data folder — the same folder Electron's `app.getPath('userData')`
 * gives for an app named Driftdesk, so the desktop and browser modes share one cache.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.DRIFTDESK_DATA_DIR) return env.DRIFTDESK_DATA_DIR;
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Driftdesk');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Driftdesk');
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'Driftdesk');
}

export function appDataLayout(dataDir: string) {
  return {
    cacheFile: join(dataDir, 'cache.sqlite'),
    serverDir: join(dataDir, 'server'),
  };
}
