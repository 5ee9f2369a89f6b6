/**
 * The host services behind the contract, shared by the Electron main process and the web
 * host: the local cache, joined workspaces, and the embedded server when one runs.
 */
import { rm, stat, writeFile } from 'node:fs/promises';
import * as Y from 'yjs';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { type DatasetProfile, compareProfiles } from '../core/profile/index.ts';
import { parseNotebook, summarizeNotebook } from '../core/notebook/index.ts';
import { NOTEBOOK_EXCERPT_MAX, noteDocName } from '../core/workspace/schema.ts';
import { type AppInfo, type ComparedFiles, DEFAULT_HOST_FILE_BYTES, type HostHandlers, type ProfiledFile, type WorkspaceConnection, inviteLink, parseInviteLink } from '../shared/host-contract.ts';
import { loadBlob, storeBlob } from './blob-sync.ts';
import { fetchDatasetFile, uploadDatasetFile } from './dataset-files.ts';
import { FileReceiver } from './file-receiver.ts';
import { CachePages } from './cache-pages.ts';
import type { ArchiveSource } from '../../server/archive/archive-store.ts';
import type { DriftComparison } from '../data/datasets/compare.ts';
import { md5File } from '../data/datasets/content-hash.ts';
import type { HostEventBus } from './host-events.ts';
import type { JobRunner } from './jobs.ts';
import type { LocalCache } from './local-cache.ts';
import { createMonitorFromVersion, updateMonitor } from './monitor-create.ts';
import { moveWorkspace } from './move-workspace.ts';
import { NotebookReader } from './notebook-reader.ts';
import { pushPendingEdits } from './pending-sync.ts';
import { pullConversations } from './conversation-pull.ts';
import type { SearchIndex } from './search-index.ts';
import { ServerCallError, type ServerClient, createServerClient } from './server-api-client.ts';
import type { MonitorBatch } from '../shared/server-api.ts';
import { fetchIdentity, normalizeServerUrl } from './server-client.ts';

/** The embedded sync server as the host sees it. */
export interface LocalServer {
  url: string;
  createWorkspace(name: string, ownerName: string): { id: string; token: string; memberId: string };
  /** One consistent read of a workspace it hosts (a move to a team server). */
  openArchiveSource(workspaceId: string): Promise<ArchiveSource>;
}

export interface HostDeps {
  cache: LocalCache;
  jobs: JobRunner;
  localServer: LocalServer | null;
  info: Omit<AppInfo, 'localServerUrl'>;
  /** Where events for the windows go (absent in tests that have no windows). */
  events?: HostEventBus;
  /** Full-text search, kept in step with every appended update (absent in tests that do not search). */
  search?: SearchIndex;
  now?: () => number;
  /** Largest file a page may hand over (`files.begin`); default DEFAULT_HOST_FILE_BYTES. */
  maxReceivedFileBytes?: number;
}

/** How long a first open waits for the server's state before leaving it to the sync socket. */
const FIRST_FETCH_TIMEOUT_MS = 30_000;
/** How often the host fetches a workspace's conversation docs that are behind (conversation-pull.ts). */
const PULL_EVERY_MS = 60_000;

export function createHostHandlers({ cache, jobs, localServer, info, events, search, now = Date.now, maxReceivedFileBytes = DEFAULT_HOST_FILE_BYTES }: HostDeps) {
  const lastPull = new Map<string, number>();
  const received = new FileReceiver(join(info.dataDir, 'received-files'), maxReceivedFileBytes);
  const notebooks = new NotebookReader();
  const cachePages = new CachePages(now);
  const fetching = new Map<string, Promise<boolean>>();
  /**
   * A workspace this device has nothing of yet (just joined, or its cache lost): the host fetches
   * the server's state (`docs.state`) and keeps it sliced (LocalCache.seedDoc), so the window
   * opens it from the cache in pages and slices. Before, the sync socket brought a workspace of
   * years in one message that the page applied in one task (seconds of a frozen page). False
   * (and the socket syncs it, as before) when there is no server to ask or it does not answer.
   */
  const firstFetch = (docId: string): Promise<boolean> => {
    const stored = cache.getConnection(docId);
    if (!stored) return Promise.resolve(false);
    // As every call to a server: a workspace of the embedded server at its current address.
    const conn = current(stored);
    let inFlight = fetching.get(docId);
    if (!inFlight) {
      const api = createServerClient({ serverUrl: conn.serverUrl, token: conn.token, workspaceId: conn.workspaceId });
      inFlight = api
        .call('docs.state', { params: { docName: docId }, timeoutMs: FIRST_FETCH_TIMEOUT_MS })
        .then((state) => {
          cache.seedDoc(docId, state, now());
          return true;
        })
        .catch(() => false)
        .finally(() => fetching.delete(docId));
      fetching.set(docId, inFlight);
    }
    return inFlight;
  };
  // The embedded server picks a free port at each start, so a local workspace's URL is
  // always the current one rather than the one saved when it was created.
  const current = (conn: WorkspaceConnection): WorkspaceConnection =>
    conn.local && localServer ? { ...conn, serverUrl: localServer.url } : conn;
  const connection = (workspaceId: string): WorkspaceConnection => {
    const conn = cache.getConnection(workspaceId);
    if (!conn) throw new Error(`workspace ${workspaceId} is not on this machine; create or join it first`);
    return current(conn);
  };

  return {
    'app.info': async () => ({ ...info, localServerUrl: localServer?.url ?? null }),

    // A browser tab has no dock badge; the Electron main process replaces this (src/main/ipc-handlers.ts).
    'app.unreadMentions': async () => ({ badge: false }),

    'workspaces.list': async () => cache.listConnections().map(current),

    'workspaces.create': async ({ name, yourName }) => {
      if (!localServer) throw new Error('no local server is running, so a workspace cannot be created here; join one instead');
      const created = localServer.createWorkspace(name, yourName);
      const conn: WorkspaceConnection = {
        workspaceId: created.id,
        name,
        serverUrl: localServer.url,
        token: created.token,
        memberId: created.memberId,
        memberName: yourName,
        role: 'owner',
        local: true,
        lastOpenedAt: now(),
      };
      cache.saveConnection(conn);
      return conn;
    },

    'workspaces.join': async (input) => {
      // An invite link pasted into the server field carries both.
      const { serverUrl, token } = parseInviteLink(input.serverUrl) ?? input;
      const base = normalizeServerUrl(serverUrl);
      const result = await fetchIdentity(base, token);
      if (result.kind !== 'ok') throw new Error(result.message);
      const { identity } = result;
      const conn: WorkspaceConnection = {
        workspaceId: identity.workspaceId,
        name: identity.workspaceName,
        serverUrl: base,
        token,
        memberId: identity.memberId,
        memberName: identity.name,
        role: identity.role,
        local: localServer !== null && base === localServer.url,
        lastOpenedAt: now(),
      };
      cache.saveConnection(conn);
      return conn;
    },

    'workspaces.open': async ({ workspaceId }) => {
      cache.touchConnection(workspaceId, now());
      return connection(workspaceId);
    },

    'workspaces.check': async ({ workspaceId }) => {
      const conn = connection(workspaceId);
      const result = await fetchIdentity(conn.serverUrl, conn.token);
      if (result.kind !== 'ok') return result;
      const { role, name } = result.identity;
      if (role !== conn.role || name !== conn.memberName) cache.saveConnection({ ...conn, role, memberName: name });
      return { kind: 'ok', role, memberName: name };
    },

    'cache.load': async ({ docId }, caller) => {
      let updates = cache.loadDocUpdates(docId);
      if (updates.length === 0 && (await firstFetch(docId))) updates = cache.loadDocUpdates(docId);
      search?.afterLoad(docId, updates);
      return { ...cachePages.begin(updates, caller.id), version: cache.docVersion(docId) };
    },

    'cache.loadPage': async ({ loadId, page }, caller) => ({ updates: cachePages.page(loadId, page, caller.id) }),

    'cache.preview': async ({ docId, list }) => ({ json: cache.loadPreview(docId, list) }),

    'cache.savePreview': async ({ docId, list, version, json }) => ({ saved: cache.savePreview(docId, list, version, json) }),

    'cache.append': async ({ docId, updates, local, previews }, caller) => {
      const { saved, previewsKept } = cache.appendWithPreviews(docId, updates, local, previews);
      search?.afterAppend(docId, updates);
      // Other windows on this doc take it now, whether or not a server is reachable.
      events?.emit({ event: 'doc.updated', payload: { docId, update: updates.length === 1 ? updates[0]! : Y.mergeUpdates(updates) } }, caller.id);
      return { saved, version: cache.docVersion(docId), previewsKept };
    },

    'cache.replace': async ({ docId, state, reason }) => {
      cache.replaceDoc(docId, state, reason);
      return { version: cache.docVersion(docId) };
    },

    'sync.push': async ({ workspaceId, conversations }) => {
      const conn = connection(workspaceId);
      const pushed = await pushPendingEdits(cache, conn);
      // Then fetch the conversation docs this device should keep (search, offline mentions), at
      // most once a minute per workspace: it reads the cached workspace doc. A failure is tried
      // again next time; the answer is about this device's edits.
      if (conversations && pushed.error === null && now() - (lastPull.get(workspaceId) ?? 0) >= PULL_EVERY_MS) {
        lastPull.set(workspaceId, now());
        await pullConversations(cache, conn, { onPulled: (docId, update) => search?.afterAppend(docId, [update]) });
      }
      return pushed;
    },
    'sync.clients': async ({ docId }) => ({ own: cache.ownClients(docId), unsent: cache.unsentClients(docId) }),

    'inbox.reads': async ({ workspaceId }) => ({ itemIds: cache.inboxReads(workspaceId) }),

    'inbox.markRead': async ({ workspaceId, itemIds }) => ({ marked: cache.markInboxRead(workspaceId, itemIds) }),

    'monitors.create': async ({ workspaceId, ...input }) => createMonitorFromVersion(cache, connection(workspaceId), input),

    'monitors.update': async ({ workspaceId, monitorId, changes }) => updateMonitor(cache, connection(workspaceId), monitorId, changes),

    'monitors.delete': async ({ workspaceId, monitorId }) => onServer(connection(workspaceId), (api) => api.call('monitors.delete', { params: { monitorId } })),

    'monitors.history': async ({ workspaceId, monitorId, from, to, limit, view }) => onServer(connection(workspaceId), async (api) => {
      const batches: MonitorBatch[] = [];
      let after: string | undefined;
      do {
        const page = await api.call('monitors.history', { params: { monitorId }, query: { from, to, after, view, limit: Math.min(10_000, limit - batches.length + 1) } });
        batches.push(...page.batches);
        after = page.next ?? undefined;
      } while (after && batches.length <= limit);
      return { batches: batches.slice(0, limit), truncated: batches.length > limit };
    }),

    'blobs.get': async ({ workspaceId, sha256 }) => ({ data: await loadBlob(cache, connection(workspaceId), sha256) }),

    'notebooks.index': async ({ workspaceId, sha256, name }) => {
      const conn = connection(workspaceId);
      return { notebook: await notebooks.index(sha256, () => loadBlob(cache, conn, sha256), name) };
    },
    'notebooks.output': async ({ workspaceId, sha256, fingerprint, name }) => {
      const conn = connection(workspaceId);
      return notebooks.output(sha256, fingerprint, () => loadBlob(cache, conn, sha256), name);
    },

    'notebooks.store': async ({ workspaceId, fileName, data }) => {
      const conn = connection(workspaceId);
      // Read before it is kept: a file that is not a notebook is refused with what and where (NotebookParseError's message).
      const parsed = parseNotebook(data, basename(fileName));
      const summary = summarizeNotebook(parsed, NOTEBOOK_EXCERPT_MAX);
      const { sha256, uploadError } = await storeBlob(cache, conn, data);
      // The page opens it next: parsed already, so that open reads nothing again.
      notebooks.remember(sha256, parsed, data.byteLength);
      return { sha256, size: data.byteLength, uploadError, ...summary };
    },

    'datasets.profile': async ({ workspaceId, path }) => {
      const conn = connection(workspaceId);
      const file = await checkedFile(path);
      const jobId = jobs.run(`Profiling ${basename(file)}`, async (report) => {
        let output: unknown;
        try {
          output = await jobs.runCli(['profile', file, '--json', '--progress'], report);
        } catch (err) {
          // A file the page handed over that cannot be read as data is of no use to keep.
          if (received.holds(file)) await rm(dirname(file), { recursive: true, force: true });
          throw err;
        }
        const profile = output as DatasetProfile;
        cache.recordLocalFile(profile.md5, file);
        // Teammates see the file name, not where it sits on this machine.
        const shared = { ...profile, path: basename(file) };
        const { sha256, uploadError } = await storeBlob(cache, conn, new TextEncoder().encode(JSON.stringify(shared)));
        // The file itself too, so any member can run the exact comparison (dataset-files.ts).
        const { fileBlob, fileUploadError } = await uploadDatasetFile(conn, file, report);
        return {
          fileName: basename(file), format: profile.format, md5: profile.md5, size: profile.size, rows: profile.rows,
          columns: profile.columns.length, profileBlob: sha256, uploadError, fileBlob, fileUploadError,
        } satisfies ProfiledFile;
      });
      return { jobId };
    },

    'datasets.compare': async ({ workspaceId, reference, current, mapping }) => {
      const conn = connection(workspaceId);
      const jobId = jobs.run(`Comparing ${reference.fileName} with ${current.fileName}`, async (report) => {
        // Each file from this machine, else from the blob store; what is missing anywhere sends the comparison to the profiles.
        const sides = [] as { path: string | null; why: string | null }[];
        for (const [role, v] of [['reference', reference], ['current', current]] as const) {
          const local = cache.localFile(v.md5);
          if (local && (await stat(local).catch(() => null))?.isFile()) {
            sides.push({ path: local, why: null });
          } else if (!v.fileBlob) {
            sides.push({ path: null, why: `the ${role} file (${v.fileName}) is not on this machine and was not uploaded by whoever added it` });
          } else {
            try {
              const path = await fetchDatasetFile(conn, join(info.dataDir, 'dataset-files'), v.fileBlob, v.fileName, report);
              // The record's two hashes come from whoever added it: the file must be the version the profile describes.
              const md5 = await md5File(path);
              if (md5 !== v.md5) throw new Error(`it is not this version's file (md5 ${md5.slice(0, 10)}…, the version's is ${v.md5.slice(0, 10)}…)`);
              cache.recordLocalFile(v.md5, path);
              sides.push({ path, why: null });
            } catch (err) {
              sides.push({ path: null, why: `the ${role} file (${v.fileName}) could not be downloaded: ${(err as Error).message}` });
            }
          }
        }
        const [ref, cur] = sides as [{ path: string | null; why: string | null }, { path: string | null; why: string | null }];
        let comparison: DriftComparison;
        if (ref.path && cur.path) {
          // The mapping goes to the CLI as a file (the same object the API and monitors take).
          const mappingFile = mapping ? join(info.dataDir, `compare-mapping-${crypto.randomUUID()}.json`) : null;
          if (mappingFile) await writeFile(mappingFile, JSON.stringify(mapping), { mode: 0o600 });
          let output: DriftComparison;
          try {
            output = (await jobs.runCli(['drift', ref.path, cur.path, '--json', '--histograms', '--progress', ...(mappingFile ? ['--mapping', mappingFile] : [])], report)) as DriftComparison;
          } finally {
            if (mappingFile) await rm(mappingFile, { force: true });
          }
          comparison = { ...output, basis: 'files', reference: { ...output.reference, path: reference.fileName }, current: { ...output.current, path: current.fileName } };
        } else {
          report({ phase: 'comparing the stored profiles', done: 0, total: 1 });
          const load = async (v: { profileBlob: string; fileName: string }) => ({ ...(JSON.parse(new TextDecoder().decode(await loadBlob(cache, conn, v.profileBlob))) as DatasetProfile), path: v.fileName });
          const why = [ref.why, cur.why].filter((w): w is string => w !== null).join('; ');
          comparison = compareProfiles(await load(reference), await load(current), why.charAt(0).toUpperCase() + why.slice(1), mapping);
        }
        const { sha256, uploadError } = await storeBlob(cache, conn, new TextEncoder().encode(JSON.stringify(comparison)));
        return {
          reportBlob: sha256, datasetDrift: comparison.dataset_drift, driftedColumns: comparison.drifted_columns,
          testedColumns: comparison.columns.length, uploadError, basis: comparison.basis ?? 'files', basisNote: comparison.basis_note ?? null,
        } satisfies ComparedFiles;
      });
      return { jobId };
    },

    'datasets.localFiles': async ({ md5s }) => ({ available: md5s.filter((m) => cache.localFile(m) !== undefined) }),

    'jobs.get': async ({ jobId }) => jobs.get(jobId),

    'files.begin': async ({ name, size }) => received.begin(name, size),
    'files.piece': async ({ uploadId, offset, bytes }) => received.piece(uploadId, offset, bytes),
    'files.finish': async ({ uploadId }) => received.finish(uploadId),
    'files.cancel': async ({ uploadId }) => {
      await received.cancel(uploadId);
      return { cancelled: true };
    },

    'search.query': async ({ workspaceId, text, limit }) => {
      if (!search) throw new Error('search is not available in this host');
      connection(workspaceId);
      return { hits: search.query(workspaceId, text, limit) };
    },

    'workspaces.move': async ({ workspaceId, serverUrl, token }) => {
      if (!localServer) throw new Error('no local server is running here, so there is nothing to move');
      const target = parseInviteLink(serverUrl) ?? { serverUrl, token };
      return moveWorkspace({ cache, openArchiveSource: (id) => localServer.openArchiveSource(id), now }, connection(workspaceId), target);
    },

    'workspaces.invite': async ({ workspaceId, name, role }) => {
      const conn = connection(workspaceId);
      const body = await onServer(conn, (api) => api.call('invites.create', { body: { name, role } }));
      return { link: inviteLink(conn.serverUrl, body.token), serverUrl: conn.serverUrl, token: body.token };
    },

    'history.list': async ({ workspaceId, noteId }) =>
      onServer(connection(workspaceId), (api) => api.call('history.list', { query: { doc: noteId && noteDocName(workspaceId, noteId) } })),

    'webhooks.list': async ({ workspaceId }) => onServer(connection(workspaceId), (api) => api.call('webhooks.list')),

    'webhooks.create': async ({ workspaceId, url, purpose }) => onServer(connection(workspaceId), (api) => api.call('webhooks.create', { body: { url, purpose } })),

    'webhooks.delete': async ({ workspaceId, webhookId }) => onServer(connection(workspaceId), (api) => api.call('webhooks.delete', { params: { webhookId } })),

    'webhooks.deliveries': async ({ workspaceId }) => onServer(connection(workspaceId), (api) => api.call('webhooks.deliveries')),

    // 502 (sent, but no receiver took it yet; retries go on) is an outcome, not an error: the map lists it.
    'incidents.retrain': async ({ workspaceId, incidentId }) => onServer(connection(workspaceId), (api) => api.call('incidents.retrain', { params: { incidentId } })),

    'history.get': async ({ workspaceId, snapshotId, noteId }) => ({
      state: await onServer(connection(workspaceId), (api) => api.call('history.get', { params: { snapshotId: String(snapshotId) }, query: { doc: noteId && noteDocName(workspaceId, noteId) } })),
    }),

    // The server restores (it re-adds records other people wrote, which only it may write).
    'history.restore': async ({ workspaceId, snapshotId }) =>
      onServer(connection(workspaceId), (api) => api.call('history.restore', { params: { snapshotId: String(snapshotId) } })),
  } satisfies HostHandlers;
}

/** The person picks a file on their own machine; it must be an absolute path to a regular file. */
async function checkedFile(path: string): Promise<string> {
  if (!isAbsolute(path)) throw new Error(`"${path}" is not an absolute path; give the full path to the file`);
  const info = await stat(path).catch(() => null);
  if (!info) throw new Error(`${path}: no such file`);
  if (!info.isFile()) throw new Error(`${path}: not a regular file`);
  return path;
}

/**
 * A call to the workspace's server with the member's token (server-api-client.ts). An
 * unreachable server keeps the client's sentence; a refusal becomes the server's own reason.
 */
async function onServer<T>(conn: WorkspaceConnection, call: (api: ServerClient) => Promise<T>): Promise<T> {
  try {
    return await call(createServerClient({ serverUrl: conn.serverUrl, token: conn.token, workspaceId: conn.workspaceId }));
  } catch (err) {
    if (!(err instanceof ServerCallError)) throw err;
    throw new Error(err.kind === 'unreachable' ? err.message : (err.reason ?? err.message));
  }
}
