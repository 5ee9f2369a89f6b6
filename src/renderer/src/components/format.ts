/** Small formatters shared by pages that load at different times (kept free of page dependencies). */
import { CommandError } from '../../../core/workspace';

/** What a command's refusal says to a person: each field's message, without the command's name. */
export function errorText(err: unknown): string {
  if (err instanceof CommandError) return err.issues.map((i) => i.message).join('; ');
  return err instanceof Error ? err.message : String(err);
}

export function formatBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}
