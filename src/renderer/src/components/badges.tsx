import type { IncidentStatus, Role, Severity } from '../../../core/workspace';

export function SeverityBadge({ severity }: { severity: Severity }) {
  return <span className={`badge severity-${severity}`}>{severity}</span>;
}

export function StatusBadge({ status }: { status: IncidentStatus }) {
  return <span className={`badge status-${status}`}>{status}</span>;
}

export function RoleBadge({ role }: { role: Role | string }) {
  return <span className="badge role">{role}</span>;
}

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

/** "3 hours ago", with the exact time on hover. */
export function TimeAgo({ at, now = Date.now() }: { at: number; now?: number }) {
  const seconds = Math.round((at - now) / 1000);
  const [value, unit]: [number, Intl.RelativeTimeFormatUnit] =
    Math.abs(seconds) < 60 ? [seconds, 'second']
    : Math.abs(seconds) < 3600 ? [Math.round(seconds / 60), 'minute']
    : Math.abs(seconds) < 86400 ? [Math.round(seconds / 3600), 'hour']
    : [Math.round(seconds / 86400), 'day'];
  return <time dateTime={new Date(at).toISOString()} title={new Date(at).toLocaleString()}>{relative.format(value, unit)}</time>;
}
