/** bench:open's search timing from a page of the app: `search.query` round trips through the host's WebSocket. */
import type { Page } from '@playwright/test';

/** Round trips of `search.query` through the host's WebSocket, from a page of the app (the same origin). */
export async function searchRoundTrips(page: Page, workspaceId: string, queries: string[], reps: number): Promise<Record<string, number[]>> {
  return page.evaluate(
    async ({ workspaceId, queries, reps }) => {
      const ws = new WebSocket(`ws://${location.host}/host`);
      ws.binaryType = 'arraybuffer';
      await new Promise((resolve, reject) => {
        ws.onopen = resolve;
        ws.onerror = reject;
      });
      let nextId = 1;
      const waiting = new Map<number, () => void>();
      ws.onmessage = (e) => {
        const text = typeof e.data === 'string' ? e.data : new TextDecoder().decode(new Uint8Array(e.data as ArrayBuffer).subarray(0, 64));
        const id = Number(/"id":(\d+)/.exec(text)?.[1]);
        waiting.get(id)?.();
        waiting.delete(id);
      };
      const out: Record<string, number[]> = {};
      for (const text of queries) {
        out[text] = [];
        for (let i = 0; i <= reps; i++) {
          const id = nextId++;
          const t = performance.now();
          await new Promise<void>((resolve) => {
            waiting.set(id, resolve);
            ws.send(JSON.stringify({ id, channel: 'search.query', req: { workspaceId, text, limit: 20 } }));
          });
          if (i > 0) out[text]!.push(performance.now() - t); // the first is a warm-up
        }
      }
      ws.close();
      return out;
    },
    { workspaceId, queries, reps },
  );
}
