/**
 * The host's side of reading a notebook: each version's file is parsed once per content hash and
 * kept (a few, bounded by their size), and the page gets its light form (core lightenNotebook:
 * every output over 16 KiB replaced by its size and fingerprint) instead of the file. A large
 * output travels only when its cell is drawn, by fingerprint; a raster image as its decoded bytes
 * (a binary frame on the web host's socket, a structured-clone copy over IPC), which the page
 * shows through a `blob:` URL — never inside JSON, never re-encoded.
 *
 * Moving the 50 MB file to the page was most of a large notebook's open (bench/notebook.ts).
 */
import { createHash } from 'node:crypto';
import { type LightNotebook, type Notebook, RASTER_MIMES, lightenNotebook, parseNotebook } from '../core/notebook/index.ts';
import type { NotebookOutputReply } from '../shared/host-contract.ts';

/** Parsed notebooks kept, by the bytes of their files: a few large ones, or many small ones. */
export const PARSED_NOTEBOOK_BYTES = 256 * 1024 * 1024;

interface Entry {
  bytes: number;
  parsed: Promise<LightNotebook>;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export class NotebookReader {
  readonly #entries = new Map<string, Entry>();

  constructor(private readonly limitBytes = PARSED_NOTEBOOK_BYTES) {}

  /** Keeps a notebook already parsed (a file just added), so its first open parses nothing. */
  remember(sha: string, notebook: Notebook, bytes: number): void {
    this.#put(sha, bytes, Promise.resolve(lightenNotebook(notebook, sha256)));
  }

  /**
   * The light form of the notebook whose file has hash `sha`. `load` fetches the file's bytes
   * (local cache, then the server, which checks the hash) when it is not kept; `name` is for errors.
   */
  async index(sha: string, load: () => Promise<Uint8Array>, name: string): Promise<Notebook> {
    return (await this.#get(sha, load, name)).notebook;
  }

  /**
   * One deferred output of that notebook, by fingerprint: a raster image as bytes and its type,
   * anything else as the output itself. An unknown fingerprint is an error, saying so.
   */
  async output(sha: string, fingerprint: string, load: () => Promise<Uint8Array>, name: string): Promise<NotebookOutputReply> {
    const output = (await this.#get(sha, load, name)).outputs.get(fingerprint);
    if (!output) throw new Error(`${name} has no output ${fingerprint.slice(0, 12)}… (is it another version's?)`);
    if (output.kind === 'display') {
      for (const mime of RASTER_MIMES) {
        const b64 = output.data[mime];
        if (typeof b64 !== 'string') continue;
        const clean = b64.replace(/\s+/g, '');
        // The page's rule (output-plan.ts): text that is not base64 is not an image; the next type is tried.
        if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean)) continue;
        const data = new Uint8Array(Buffer.from(clean, 'base64'));
        // The image is what is drawn: of the rest only its text alternative travels.
        const rest = typeof output.data['text/plain'] === 'string' ? { 'text/plain': output.data['text/plain'] } : {};
        return { output: { ...output, data: rest }, image: { mime, data, base64Chars: clean.length } };
      }
    }
    return { output, image: null };
  }

  #get(sha: string, load: () => Promise<Uint8Array>, name: string): Promise<LightNotebook> {
    const hit = this.#entries.get(sha);
    if (hit) {
      // Most recently used last: the first entry is the one to drop.
      this.#entries.delete(sha);
      this.#entries.set(sha, hit);
      return hit.parsed;
    }
    let size = 0;
    const parsed = load().then((bytes) => {
      size = bytes.byteLength;
      const entry = this.#entries.get(sha);
      if (entry) entry.bytes = size;
      this.#trim();
      return lightenNotebook(parseNotebook(bytes, name), sha256);
    });
    parsed.catch(() => this.#entries.delete(sha));
    this.#put(sha, size, parsed);
    return parsed;
  }

  #put(sha: string, bytes: number, parsed: Promise<LightNotebook>): void {
    this.#entries.delete(sha);
    this.#entries.set(sha, { bytes, parsed });
    this.#trim();
  }

  /** Drops the least recently used until the kept files fit (the newest always stays). */
  #trim(): void {
    let total = 0;
    for (const e of this.#entries.values()) total += e.bytes;
    for (const [sha, e] of this.#entries) {
      if (total <= this.limitBytes || this.#entries.size <= 1) break;
      this.#entries.delete(sha);
      total -= e.bytes;
    }
  }
}
