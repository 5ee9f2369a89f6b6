import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EngineBusy, MAX_QUEUED_PER_KEY, MonitorEngine } from './monitor-engine.ts';

const roots: string[] = [];
const engines: MonitorEngine[] = [];
function newRoot(): string {
  const root = join(mkdtempSync(join(tmpdir(), 'driftdesk-engine-')), 'root');
  roots.push(root);
  return root;
}
function engineAt(root: string): MonitorEngine {
  const engine = new MonitorEngine(root);
  engines.push(engine);
  return engine;
}
afterEach(async () => {
  for (const engine of engines.splice(0)) await engine.close();
  for (const root of roots.splice(0)) rmSync(join(root, '..'), { recursive: true, force: true });
});

/** The pid of a process that has exited (so no process has it, unless the system reused it). */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid!;
}

describe('temp files', () => {
  it('live in a 0700 directory of the process, are written 0600 and removed with their scope', () => {
    const root = newRoot();
    const engine = engineAt(root);
    expect(statSync(root).mode & 0o777).toBe(0o700);
    expect(statSync(engine.dir).mode & 0o777).toBe(0o700);
    const files = engine.files();
    const batch = files.write(new TextEncoder().encode('a,b\n1,2\n'), 'csv');
    const reference = files.write(new TextEncoder().encode('a,b\n1,2\n'), 'csv', 'reference');
    expect(statSync(batch).mode & 0o777).toBe(0o600);
    expect(files.hidePaths(`${batch}: bad; ${reference}: fine`, 'ref.csv')).toBe('the batch: bad; ref.csv: fine');
    files.remove();
    expect(readdirSync(engine.dir)).toEqual([]);
  });

  it("at start-up removes what crashed processes left and keeps live processes' directories", () => {
    const root = newRoot();
    const stale = join(root, `${deadPid()}-0badc0de`);
    const live = join(root, `${process.ppid}-600dc0de`);
    for (const dir of [stale, live]) mkdirSync(dir, { recursive: true });
    writeFileSync(join(stale, 'batch-1.csv'), 'secret,values\n1,2\n');
    writeFileSync(join(live, 'batch-2.csv'), 'in,use\n1,2\n');
    writeFileSync(join(root, 'stray.csv'), 'x\n');
    const engine = engineAt(root);
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(join(root, 'stray.csv'))).toBe(false);
    expect(existsSync(join(live, 'batch-2.csv'))).toBe(true);
    expect(existsSync(engine.dir)).toBe(true);
  });
});

describe('jobs', () => {
  it('drop every table and view they made, also when they fail', async () => {
    const engine = engineAt(newRoot());
    const seen = await engine.run('ws', async (reader) => {
      await reader.db.run('CREATE TABLE t_batch AS SELECT range AS x FROM range(1000); CREATE VIEW v_batch AS SELECT * FROM t_batch');
      return engine.tableCount();
    });
    expect(seen).toBe(2);
    expect(await engine.tableCount()).toBe(0);
    await expect(engine.run('ws', async (reader) => {
      await reader.db.run('CREATE TABLE t_half AS SELECT 1 AS x');
      throw new Error('the load failed halfway');
    })).rejects.toThrow('halfway');
    expect(await engine.tableCount()).toBe(0);
  });

  it('take turns across workspaces, and a workspace with too many waiting is told it is busy', async () => {
    const engine = engineAt(newRoot());
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const job = (name: string, wait?: Promise<void>) => async () => {
      order.push(name);
      await wait;
    };
    const done = [engine.run('a', job('a1', gate)), engine.run('a', job('a2')), engine.run('a', job('a3')), engine.run('b', job('b1'))];
    // a1 is running: a2, a3 wait; fill a's line up to the limit.
    for (let i = 2; i < MAX_QUEUED_PER_KEY; i++) done.push(engine.run('a', job(`a${i + 2}`)));
    expect(() => engine.run('a', job('too many'))).toThrow(EngineBusy);
    release();
    await Promise.all(done);
    expect(order.slice(0, 3)).toEqual(['a1', 'a2', 'b1']);
    expect(order).not.toContain('too many');
  });
});
