import { resolve } from 'node:path';
import { ServerStore } from '../../server/index.ts';
import { PostgresStore } from '../../server/postgres-store.ts';
import type { Store } from '../../server/store-contract.ts';
import { UsageError } from './usage-error.ts';

/** The store a command names: `--postgres URL`, else SQLite under `--data DIR`. */
export async function openStore(values: { data?: string; postgres?: string }): Promise<{ store: Store; where: string }> {
  if (values.postgres) return { store: await PostgresStore.open(values.postgres), where: 'PostgreSQL' };
  if (!values.data) throw new UsageError('--data DIR (or --postgres URL) is required');
  return { store: new ServerStore(resolve(values.data)), where: resolve(values.data) };
}
