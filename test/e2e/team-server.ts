/** A team sync server as a child process (`driftdesk server`), for specs that need one apart from the apps. */
import { type ChildProcess, spawn } from 'node:child_process';
import { repoRoot } from './fixtures';

/** `args`: more `driftdesk server` options (say `--no-split-conversations`, to serve a workspace as before issue 20). */
export function startTeamServer(dataDir: string, port: number, args: string[] = []): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['bin/driftdesk', 'server', '--port', String(port), '--data', dataDir, ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('listening on')) resolve(child);
    });
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => reject(new Error(`server exited ${code}: ${out}`)));
  });
}

/** Kills it outright (a lost machine), and waits until it is gone. */
export async function killTeamServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}
