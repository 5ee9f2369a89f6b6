/**
 * Which dataset versions can be a monitor's reference from this window: the host uploads the
 * reference from its file, so only versions whose file is on this machine, in a format the server
 * reads, qualify.
 */
import { useEffect, useState } from 'react';
import type { DatasetVersionRecord } from '../../../core/workspace';
import type { WorkspaceSession } from '../session/workspace-session';

/** What the server can read a reference in (it does not take Arrow). */
export const REFERENCE_FORMATS = ['csv', 'tsv', 'parquet', 'json', 'jsonl'];

/** The md5s of `versions` whose file is on this machine (null while the host is asked). */
export function useLocalFiles(session: WorkspaceSession, versions: readonly DatasetVersionRecord[]): Set<string> | null {
  const [local, setLocal] = useState<Set<string> | null>(null);
  // Asked again only when the set of files changes, not at every edit of the workspace.
  const md5s = [...new Set(versions.map((v) => v.md5))].sort().join(' ');
  useEffect(() => {
    let live = true;
    const ask = md5s ? md5s.split(' ') : [];
    session.host.call('datasets.localFiles', { md5s: ask }).then((r) => live && setLocal(new Set(r.available)), () => live && setLocal(new Set()));
    return () => {
      live = false;
    };
  }, [session, md5s]);
  return local;
}

/** Why a version cannot be a reference from here, or null when it can (unknown yet: not usable). */
export function whyNotReference(version: DatasetVersionRecord, local: Set<string> | null): string | null {
  if (!REFERENCE_FORMATS.includes(version.format)) return `${version.format} cannot be a reference`;
  if (!local) return 'checking';
  return local.has(version.md5) ? null : 'file not on this machine';
}
