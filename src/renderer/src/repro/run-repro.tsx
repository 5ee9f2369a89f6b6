/**
 * The run page's reproducibility panel: `<RunRepro session={session} detail={detail} />`, with
 * the run's detail blob already loaded (the run page loads it for params and metrics too).
 * The checklist resolves `driftdesk` data refs against this workspace's dataset versions, and
 * updates as they change. "Export Dockerfile" saves the three files as downloads (the browser
 * host; Electron saves downloads the same way); no zip library is a dependency, so three files.
 */
import { useCallback, useMemo, useState } from 'react';
import type * as Y from 'yjs';
import { reproChecklist, reproFiles } from '../../../core/repro';
import { listDatasetVersions, type RunDetailRecord } from '../../../core/workspace';
import { useDocValue } from '../session/hooks';
import type { WorkspaceSession } from '../session/workspace-session';
import type { ExportFile } from './repro-export';
import { ReproPanel } from './repro-panel';
import './repro.css';

const readVersions = (doc: Y.Doc) => listDatasetVersions(doc).map((v) => ({ id: v.id, md5: v.md5 }));

export function RunRepro({ session, detail }: { session: WorkspaceSession; detail: RunDetailRecord }) {
  const versions = useDocValue(session.doc, readVersions);
  const checklist = useMemo(() => reproChecklist(detail, { datasetVersions: versions }), [detail, versions]);
  const files = useMemo(() => reproFiles(detail), [detail]);
  const [message, setMessage] = useState('');
  const onExport = useCallback((list: ExportFile[]) => {
    try {
      for (const f of list) download(f);
      setMessage(`Saved ${list.map((f) => f.name).join(', ')} to your downloads.`);
    } catch (err) {
      setMessage(`Could not save the files: ${(err as Error).message}`);
    }
  }, []);
  return <ReproPanel checklist={checklist} files={files} onExport={onExport} exportMessage={message} />;
}

function download(file: ExportFile): void {
  const url = URL.createObjectURL(new Blob([file.text], { type: file.mime }));
  const a = document.createElement('a');
  a.href = url;
  a.download = file.name;
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  // The download has started once click() returns; the URL can go after the event loop turns.
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
