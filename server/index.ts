export { startSyncServer, type SyncServer, type SyncServerOptions } from './sync-server.ts';
export { ServerStore, type MemberIdentity } from './store.ts';
export { DEFAULT_LIMITS, type Limits } from './limits.ts';
