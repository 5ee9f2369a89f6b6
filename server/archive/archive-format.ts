/**
 * A workspace archive: one gzipped tar file that `driftdesk workspace export` and the server's
 * backups write and `driftdesk workspace import` reads. Gzipped tar so an operator can list or
 * unpack it with the tools they already have (`tar tzf backup.tar.gz`).
 *
 *   workspace.json          the rows: workspace, members, token hashes, webhooks, deliveries
 *   docs/<doc>.update       each doc's whole state as one Yjs update ('' → docs/workspace.update)
 *   history/<n>.update      history snapshots of every doc (their doc and time are in workspace.json)
 *   blobs/<sha256>          every blob, named by the SHA-256 of its bytes
 *   monitors/history.jsonl  every monitor's history rows (batches, metrics posts), one per line
 *   manifest.json           written last: format version and the SHA-256 and size of every entry
 *
 * The manifest is checked before anything is written on import: an entry missing, extra,
 * changed or cut short refuses the whole archive, naming the entry.
 */
import { z } from 'zod';
import { THREAD_KINDS, roleSchema } from '../../src/core/workspace/index.ts';
import { webhookPurposeSchema } from '../../src/shared/server-api.ts';

export const ARCHIVE_FORMAT = 'driftdesk-workspace-archive';
/** Raised when the layout changes; an archive newer than this is refused, never half-read. */
export const ARCHIVE_VERSION = 1;

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 in hex');
const id = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'an id of letters, digits, _ and -');
const time = z.number().int().nonnegative();

export const manifestSchema = z.object({
  format: z.literal(ARCHIVE_FORMAT),
  version: z.number().int().positive(),
  workspaceId: id,
  exportedAt: time,
  entries: z.array(z.object({ path: z.string().min(1).max(300), sha256: sha256Hex, bytes: z.number().int().nonnegative() })),
});
export type Manifest = z.infer<typeof manifestSchema>;

/** Webhook secrets and URLs (a Slack-style URL is a credential) sealed with a passphrase. */
export const sealedSchema = z.object({
  kdf: z.literal('scrypt'),
  N: z.number().int().positive(),
  r: z.number().int().positive(),
  p: z.number().int().positive(),
  salt: z.string(),
  iv: z.string(),
  tag: z.string(),
  data: z.string(),
});
export type Sealed = z.infer<typeof sealedSchema>;

export const workspaceRowsSchema = z.object({
  workspace: z.object({ id, name: z.string().min(1).max(200), createdAt: time }),
  members: z.array(z.object({ id, name: z.string().min(1).max(200), role: roleSchema, createdAt: time })),
  tokens: z.array(z.object({ hash: sha256Hex, memberId: id, createdAt: time, revokedAt: time.nullable() })),
  /**
   * Without --include-secrets a webhook keeps only its URL's origin (to say what to re-add);
   * with it, `sealed` holds `{ url, secret }` encrypted with the passphrase.
   */
  webhooks: z.array(z.object({ id, purpose: webhookPurposeSchema, createdAt: time, origin: z.string().max(300), sealed: sealedSchema.optional() })),
  /** The delivery log, with each URL cut to its origin. */
  deliveries: z.array(z.object({
    id: z.string().min(1).max(200), webhookId: id, origin: z.string().max(300), event: z.string().max(200), status: z.enum(['pending', 'delivered', 'failed']),
    attempts: z.number().int().nonnegative(), lastStatus: z.number().int().nullable(), lastError: z.string().max(2000).nullable(),
    createdAt: time, updatedAt: time,
  })),
  monitored: z.boolean(),
  /** Docs by name within the workspace ('' is the workspace doc, `note:<id>` a note). */
  docs: z.array(z.object({ doc: z.string().max(200), path: z.string() })),
  /** Every doc's snapshots; `doc` as in `docs` (archives made before per-doc history have none: the workspace doc's). */
  snapshots: z.array(z.object({ doc: z.string().max(200).default(''), createdAt: time, path: z.string() })),
  blobs: z.array(z.object({ sha256: sha256Hex, createdAt: time })),
  /** Monitors' history rows, as JSON lines in `monitors/history.jsonl` (absent: none). */
  monitorHistory: z.object({ path: z.literal('monitors/history.jsonl'), rows: z.number().int().nonnegative() }).optional(),
});
export type WorkspaceRows = z.infer<typeof workspaceRowsSchema>;

/** One line of monitors/history.jsonl. */
export const monitorHistoryRowSchema = z.object({
  id: z.number().int().positive(),
  monitorId: z.string().min(1).max(128),
  at: time,
  data: z.string().max(64 * 1024 * 1024),
  columns: z.string().max(64 * 1024 * 1024).nullable(),
});

const NOTE_DOC = /^note:[A-Za-z0-9_-]{1,128}$/;
const THREAD_DOC = new RegExp(`^thread:(${THREAD_KINDS.join('|')}):[A-Za-z0-9_-]{1,128}$`);

/**
 * The entry that holds a doc's state: `docs/workspace.update`, `docs/note/<id>.update`, or a
 * conversation doc's `docs/thread/<kind>/<id>.update`. Ids are `[A-Za-z0-9_-]`, so the name is
 * safe as a path.
 */
export function docEntryPath(doc: string): string {
  if (doc === '') return 'docs/workspace.update';
  if (!NOTE_DOC.test(doc) && !THREAD_DOC.test(doc)) throw new Error(`doc "${doc}" cannot be archived: not a workspace, note or conversation doc`);
  return `docs/${doc.replaceAll(':', '/')}.update`;
}

const THREAD_ENTRY = new RegExp(`^docs/thread/(${THREAD_KINDS.join('|')})/[A-Za-z0-9_-]{1,128}\\.update$`);

/** Every path an archive may hold; anything else (`..`, absolute paths, links) is refused. */
export function isArchivePath(path: string): boolean {
  return (
    path === 'manifest.json' ||
    path === 'workspace.json' ||
    path === 'docs/workspace.update' ||
    /^docs\/note\/[A-Za-z0-9_-]{1,128}\.update$/.test(path) ||
    THREAD_ENTRY.test(path) ||
    /^history\/[0-9]{1,9}\.update$/.test(path) ||
    /^blobs\/[0-9a-f]{64}$/.test(path) ||
    path === 'monitors/history.jsonl'
  );
}

const MiB = 1024 * 1024;
/**
 * The largest entry of each kind, read from its tar header before any of its bytes are inflated,
 * so a small hostile file that inflates to gigabytes (a gzip bomb) is refused at once. Docs and
 * history: four times a server's default largest doc (64 MiB); blobs: the largest upload a server
 * may accept (MAX_UPLOAD_BYTES_CEILING); monitors/history.jsonl: read whole as one string, whose
 * length V8 caps near 512 Mi characters; the JSON entries are read whole too.
 */
export function entryLimit(path: string): number {
  if (path.startsWith('blobs/')) return 900 * MiB;
  if (path === 'monitors/history.jsonl') return 512 * MiB;
  return 256 * MiB;
}

/** What went wrong with an archive, and in which entry; nothing has been written when thrown. */
export class ArchiveError extends Error {
  override readonly name = 'ArchiveError';
  constructor(
    readonly code: 'truncated' | 'tampered' | 'newer_format' | 'not_an_archive' | 'bad_entry' | 'conflict' | 'passphrase',
    message: string,
    readonly entry?: string,
  ) {
    super(entry ? `${entry}: ${message}` : message);
  }
}
