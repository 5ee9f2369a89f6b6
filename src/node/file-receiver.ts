/**
 * Files a page hands its host: in browser mode the page cannot name a path on the host's disk
 * (a picked or dropped File has none), so its bytes come over the host contract in pieces
 * (`files.begin`, `files.piece`, `files.finish`) and land in the host's data folder, where the
 * profiler and the uploader read them like any other file. In pieces, so one message stays far
 * under the web host's WebSocket limit and the page can show its progress; in order, so a
 * received file is always one prefix of the real one; bounded, so a page cannot fill the disk.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, open, rm } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import { HOST_FILE_CHUNK_BYTES } from '../shared/host-contract.ts';
import { safeFileName } from './dataset-files.ts';

/** Files being received at once, over all windows: a page that starts many and never ends them is refused more. */
const MAX_OPEN = 8;

interface Receiving {
  path: string;
  size: number;
  received: number;
  file: Awaited<ReturnType<typeof open>>;
}

export class FileReceiver {
  private readonly open = new Map<string, Receiving>();

  constructor(
    private readonly dir: string,
    /** Largest file taken (a limit of the host; the server has its own for uploads). */
    readonly maxBytes: number,
  ) {}

  async begin(name: string, size: number): Promise<{ uploadId: string; maxBytes: number; chunkBytes: number }> {
    if (size > this.maxBytes) throw new Error(`${name} is ${size} bytes; the app takes files of at most ${this.maxBytes} bytes${this.maxBytes >= 2 ** 20 ? ` (${Math.floor(this.maxBytes / 2 ** 20)} MiB)` : ''}`);
    if (this.open.size >= MAX_OPEN) throw new Error(`${MAX_OPEN} files are already being received; wait for them to finish`);
    const uploadId = randomUUID();
    const folder = join(this.dir, uploadId);
    await mkdir(folder, { recursive: true, mode: 0o700 });
    const path = join(folder, safeFileName(name));
    this.open.set(uploadId, { path, size, received: 0, file: await open(path, 'wx', 0o600) });
    return { uploadId, maxBytes: this.maxBytes, chunkBytes: HOST_FILE_CHUNK_BYTES };
  }

  async piece(uploadId: string, offset: number, bytes: Uint8Array): Promise<{ received: number }> {
    const r = this.receiving(uploadId);
    if (offset !== r.received) throw new Error(`piece at byte ${offset}, but ${r.received} bytes were received: send the piece at ${r.received}`);
    if (bytes.byteLength === 0) throw new Error('a piece must carry at least one byte');
    if (offset + bytes.byteLength > r.size) throw new Error(`this piece ends at byte ${offset + bytes.byteLength}, past the ${r.size} bytes the file was said to have`);
    // Counted before the write finishes, so a second piece sent at the same offset meanwhile is refused.
    r.received += bytes.byteLength;
    try {
      await r.file.write(bytes, 0, bytes.byteLength, offset);
    } catch (err) {
      await this.cancel(uploadId);
      throw new Error(`could not save the file on this machine: ${(err as Error).message}`);
    }
    return { received: r.received };
  }

  /** The received file's path, once every byte is in. */
  async finish(uploadId: string): Promise<{ path: string }> {
    const r = this.receiving(uploadId);
    if (r.received !== r.size) throw new Error(`only ${r.received} of ${r.size} bytes were received`);
    this.open.delete(uploadId);
    await r.file.close();
    return { path: r.path };
  }

  /** Drops a file being received (the page gave up on it). */
  async cancel(uploadId: string): Promise<void> {
    const r = this.open.get(uploadId);
    if (!r) return;
    this.open.delete(uploadId);
    await r.file.close().catch(() => {});
    await rm(join(this.dir, uploadId), { recursive: true, force: true });
  }

  /** True for a file this receiver wrote (one folder per upload under its own). */
  holds(path: string): boolean {
    const rel = relative(this.dir, path);
    return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) && rel.split(sep).length === 2;
  }

  async close(): Promise<void> {
    for (const id of [...this.open.keys()]) await this.cancel(id);
  }

  private receiving(uploadId: string): Receiving {
    const r = this.open.get(uploadId);
    if (!r) throw new Error(`no file is being received as ${uploadId}; start again`);
    return r;
  }
}
