import type { HostApi } from '../../../shared/host-contract';

/**
 * Hands a picked or dropped file to the host in pieces (`files.*` in the host contract), as
 * browser mode must: the page has the bytes but no path the host could read. Calls
 * `onProgress` after each piece; answers the file's path on the host. A failure drops what the
 * host received.
 */
export async function sendFileToHost(host: HostApi, file: File, onProgress: (sent: number, total: number) => void): Promise<string> {
  const { uploadId, chunkBytes } = await host.call('files.begin', { name: file.name, size: file.size });
  try {
    let offset = 0;
    onProgress(0, file.size);
    while (offset < file.size) {
      const bytes = new Uint8Array(await file.slice(offset, offset + chunkBytes).arrayBuffer());
      offset = (await host.call('files.piece', { uploadId, offset, bytes })).received;
      onProgress(offset, file.size);
    }
    return (await host.call('files.finish', { uploadId })).path;
  } catch (err) {
    await host.call('files.cancel', { uploadId }).catch(() => {});
    throw err;
  }
}
