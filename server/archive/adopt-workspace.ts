/**
 * A workspace moved to this server from someone's desktop ("Move to a team server…"). The team
 * server's admin creates an empty workspace and gives the person its owner token; the person's
 * app sends the archive of their local workspace (blobs first, through the blob API), naming the
 * archived member they are. Then, in this order:
 *   1. the archive is verified as `driftdesk workspace import` verifies it;
 *   2. in one transaction: the archive's members join this workspace with their ids (the doc's
 *      records name them), the caller's token moves to their archived self (so their own records
 *      stay theirs to edit) and the placeholder member goes, history snapshots are added (the
 *      archive's tokens stay on the desktop);
 *   3. each doc's state is merged into its room as the server, so live clients see it at once;
 *   4. the others get new tokens, answered as invites (any an earlier attempt made are revoked);
 *   5. the workspace doc's meta says the move is done (`movedAt`).
 * A retry after a failure in step 3 or 4 finds the members already mapped, merges again (a CRDT
 * merge of the same state changes nothing twice) and answers every invite. After step 5 the route merges nothing: an
 * owner could otherwise write, as the server, what the write policy refuses them.
 */
import { createHash } from 'node:crypto';
import * as Y from 'yjs';
import { DOC_KEYS } from '../../src/core/workspace/index.ts';
import type { WithRoom } from '../room.ts';
import type { MemberIdentity, Store } from '../store-contract.ts';
import { hashToken, newToken } from '../tokens.ts';
import { checkUpdateStructure } from '../update-structure.ts';
import { ArchiveError, type WorkspaceRows } from './archive-format.ts';
import { type ArchiveInput, insertBatch, monitorHistoryRows, readEntries, verifyArchive } from './import-workspace.ts';

/**
 * What one archive sent to the move route may unpack to, all entries together: it is read on the
 * server's thread and held in memory while it is adopted, however small its gzip body was.
 */
export const ADOPT_MAX_UNPACKED_BYTES = 1024 * 1024 * 1024;
/** …and how many entries it may have (docs and history snapshots: a desktop's workspace has far fewer). */
export const ADOPT_MAX_ENTRIES = 200_000;
/** Members a move brings (each gets an invite token) and monitor history rows (each a row written on the server's thread). */
export const ADOPT_MAX_MEMBERS = 10_000;
export const ADOPT_MAX_HISTORY_ROWS = 250_000;
/**
 * The largest monitor history id a move brings. Ids are kept (findings cite them) and the server
 * numbers its next rows above every id it holds, so one row of id 2^53 − 1 would put every later
 * row of every workspace past the integers clients read exactly. A desktop never comes near this.
 */
export const ADOPT_MAX_HISTORY_ID = 2 ** 40;

export interface AdoptResult {
  members: number;
  docs: number;
  invites: { memberId: string; name: string; role: MemberIdentity['role']; token: string }[];
}

/** Set in the workspace doc's meta (the server's own) when a move has merged every doc. */
const MOVED_AT = 'movedAt';

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** Refused because of what is already here (409), not because of the archive (400). */
export class AdoptConflict extends Error {
  override readonly name = 'AdoptConflict';
}

export async function adoptArchive(deps: { store: Store; withRoom: WithRoom }, caller: MemberIdentity, archivedSelf: string, archive: ArchiveInput, now = Date.now()): Promise<AdoptResult> {
  const { store, withRoom } = deps;
  const ws = caller.workspaceId;
  const limits = { maxTotalBytes: ADOPT_MAX_UNPACKED_BYTES, maxEntries: ADOPT_MAX_ENTRIES };
  const { manifest, rows } = await verifyArchive(archive, limits);
  if (rows.blobs.length > 0) throw new ArchiveError('bad_entry', 'a move sends blobs through the blob API first; this archive carries them', 'workspace.json');
  // Each member is a token to make and rows to write, each history row a row, in one transaction
  // on the server's thread: a few hundred kilobytes listing 100,000 members held it for 3.5 s.
  if (rows.members.length > ADOPT_MAX_MEMBERS) throw new ArchiveError('bad_entry', `lists ${rows.members.length} members; a move brings at most ${ADOPT_MAX_MEMBERS}`, 'workspace.json');
  if ((rows.monitorHistory?.rows ?? 0) > ADOPT_MAX_HISTORY_ROWS) {
    throw new ArchiveError('bad_entry', `lists ${rows.monitorHistory!.rows} monitor history rows; a move brings at most ${ADOPT_MAX_HISTORY_ROWS} (import the workspace with driftdesk workspace import instead)`, 'workspace.json');
  }
  const me = rows.members.find((m) => m.id === archivedSelf);
  if (!me) throw new ArchiveError('bad_entry', `the archive has no member ${archivedSelf}`, 'workspace.json');
  const hashes = new Map(manifest.entries.map((e) => [e.path, e.sha256]));
  const docName = (doc: string) => (doc === '' ? ws : `${ws}:${doc}`);
  const entries = new Map<string, Buffer>();
  await readEntries(archive, (p) => p !== 'manifest.json' && p !== 'workspace.json', async (e) => void entries.set(e.path, e.data!), limits);
  // Merged as the server, past the checks a client's update gets: each must be a sound doc state
  // on its own (the bytes were verified against the manifest once; they are in memory since).
  for (const path of [...rows.docs.map((d) => d.path), ...rows.snapshots.map((s) => s.path)]) {
    const bytes = entries.get(path);
    if (!bytes || sha256(bytes) !== hashes.get(path)) throw new ArchiveError('tampered', 'changed while it was being read', path);
    const verdict = checkUpdateStructure(new Y.Doc({ gc: false }), bytes);
    if (verdict.kind === 'bad') throw new ArchiveError('bad_entry', `is not a sound Yjs document (${verdict.reason})`, path);
  }

  const here = await store.listMembers(ws);
  const archivedIds = new Set(rows.members.map((m) => m.id));
  const retry = caller.memberId === me.id && here.every((m) => archivedIds.has(m.memberId) || m.activeTokens === 0);
  if (retry && typeof (await withRoom(ws, async (room) => room.doc.getMap(DOC_KEYS.meta).get(MOVED_AT))) === 'number') {
    // The move finished: merging as the server again would let an owner write what the write
    // policy refuses them (records under other members' names). Only the same state again (a
    // retry whose answer was lost) is answered, and nothing is merged.
    for (const d of rows.docs) {
      if (await withRoom(docName(d.doc), async (room) => wouldChange(room.doc, entries.get(d.path)!))) {
        throw new AdoptConflict(`workspace ${ws} was moved here already; an archive that changes it is not merged (edit it as a member instead)`);
      }
    }
    return { members: rows.members.length, docs: rows.docs.length, invites: [] };
  }
  if (!retry) {
    // Into empty rooms, under this server's doc size limit (a retry's were measured the first time).
    for (const d of rows.docs) {
      const bytes = entries.get(d.path)!.byteLength;
      if (!(await withRoom(docName(d.doc), async (room) => room.hasRoomFor(bytes)))) throw new ArchiveError('bad_entry', `is ${bytes} bytes, more than a doc on this server may hold`, d.path);
    }
    // Members whose every token was revoked cannot come back; anyone else would find their workspace replaced.
    const others = here.filter((m) => m.memberId !== caller.memberId && m.activeTokens > 0);
    if (others.length > 0) throw new AdoptConflict(`workspace ${ws} already has other members (${others.map((m) => m.name).join(', ')}): a workspace is moved into an empty one`);
    // Every registry of the workspace doc is a map keyed by record id (schema.ts).
    const used = await withRoom(ws, async (room) => Object.values(DOC_KEYS).filter((key) => key !== DOC_KEYS.meta && key !== DOC_KEYS.members && room.doc.getMap(key).size > 0));
    if (used.length > 0) throw new AdoptConflict(`workspace ${ws} is not empty (it has ${used.join(', ')}): a workspace is moved into an empty one`);
    // Read (and each line checked) before the transaction; ids are the archive's, kept as they are.
    const history = rows.monitorHistory ? monitorHistoryRows(entries.get(rows.monitorHistory.path)!, rows.monitorHistory.rows) : [];
    const tooHigh = history.find((r) => r.id > ADOPT_MAX_HISTORY_ID);
    if (tooHigh) throw new ArchiveError('bad_entry', `row ${tooHigh.id}: a move brings history ids up to ${ADOPT_MAX_HISTORY_ID} (this server numbers later rows above every id it holds; import the workspace with driftdesk workspace import instead)`, rows.monitorHistory!.path);
    const sink = await store.openArchiveSink();
    try {
      // A history id is unique within its workspace: another workspace's row of the same id is no conflict, this one's is.
      const taken = await sink.taken({ workspaceId: '', memberIds: rows.members.map((m) => m.id), tokenHashes: [], webhookIds: [], batches: { workspaceId: ws, ids: history.map((r) => r.id) } });
      if (taken.length > 0) throw new AdoptConflict(`this server already has ${taken.slice(0, 3).join(', ')}: was this workspace moved here before?`);
      for (const m of rows.members) await sink.member(ws, m.id === me.id ? { ...m, role: 'owner' } : m);
      await sink.retireMember(ws, caller.memberId, me.id);
      for (const s of rows.snapshots) await sink.snapshot(ws, s.doc, s.createdAt, entries.get(s.path)!);
      for (const row of history) await insertBatch(sink, ws, row);
      await sink.commit();
    } catch (err) {
      await sink.rollback();
      // Another process moving into this workspace at the same moment wrote these rows first.
      if (/UNIQUE|duplicate key/i.test((err as Error).message)) throw new AdoptConflict(`another move into workspace ${ws} wrote its members first: try again, it answers once that move is done`);
      throw err;
    }
  }
  for (const d of rows.docs) {
    const state = entries.get(d.path)!;
    await withRoom(docName(d.doc), (room) =>
      room.mergeAsServer(state, (doc) => {
        if (d.doc !== '') return;
        // The workspace is this one now, under the team server's name for it; the placeholder
        // member the caller was before the move is gone. Only this server says the move is done.
        const meta = doc.getMap(DOC_KEYS.meta);
        if (meta.get('id') !== ws) meta.set('id', ws);
        if (meta.get('name') !== caller.workspaceName) meta.set('name', caller.workspaceName);
        if (meta.has(MOVED_AT)) meta.delete(MOVED_AT);
        if (caller.memberId !== me.id) doc.getMap(DOC_KEYS.members).delete(caller.memberId);
      }),
    );
  }
  const invites = await inviteOthers(store, ws, rows.members.filter((m) => m.id !== me.id), now);
  await withRoom(ws, (room) => room.writeAsServer((doc) => doc.getMap(DOC_KEYS.meta).set(MOVED_AT, now)));
  return { members: rows.members.length, docs: rows.docs.length, invites };
}

/**
 * The other members' invites, made once every doc is in and only answered by the move that
 * finishes: a token made by an attempt that failed later was never sent to anyone, so an earlier
 * attempt's tokens are revoked and new ones made. Made any earlier, a retry after a failure half
 * way found the members mapped and answered no invites: the others could never be themselves.
 */
async function inviteOthers(store: Store, ws: string, others: WorkspaceRows['members'], now: number): Promise<AdoptResult['invites']> {
  if (others.length === 0) return [];
  // Only members an earlier attempt gave a token: a first move revokes nothing (one write each, up to ADOPT_MAX_MEMBERS).
  const live = new Set((await store.listMembers(ws)).filter((m) => m.activeTokens > 0).map((m) => m.memberId));
  for (const m of others) if (live.has(m.id)) await store.revokeMember(ws, m.id);
  const invites: AdoptResult['invites'] = [];
  const sink = await store.openArchiveSink();
  try {
    for (const m of others) {
      const token = newToken();
      await sink.token({ hash: hashToken(token), memberId: m.id, createdAt: now, revokedAt: null });
      invites.push({ memberId: m.id, name: m.name, role: m.role, token });
    }
    await sink.commit();
  } catch (err) {
    await sink.rollback();
    throw err;
  }
  return invites;
}

/** Whether merging `state` into `doc` would change it: a struct it lacks, or a delete of something it has. */
function wouldChange(doc: Y.Doc, state: Uint8Array): boolean {
  const copy = new Y.Doc({ gc: false });
  try {
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
    const before = Y.encodeStateAsUpdate(copy);
    Y.applyUpdate(copy, state);
    return !Buffer.from(Y.encodeStateAsUpdate(copy)).equals(before);
  } finally {
    copy.destroy();
  }
}
