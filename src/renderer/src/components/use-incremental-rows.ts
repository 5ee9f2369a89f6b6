import { useEffect, useState } from 'react';

/** Rows a long list renders at first: more than a tall screen holds (a row is ~35 px). */
export const FIRST_ROWS = 50;
/** Rows added each time the end of the rendered list comes near. */
export const ROWS_PER_STEP = 100;

/**
 * How many rows of a long list to render: FIRST_ROWS at first, and ROWS_PER_STEP more each
 * time the end of what is rendered comes within a screen of view (or when `showAll` is called).
 * A workspace's lists run to thousands of rows, and rendering, laying out and painting 2,000
 * incident rows took longer than reading the whole workspace (bench:open), while a person sees
 * the first screenful, and opening a page waits for its first frame. Give `sentinelRef` to an
 * element after the last row, rendered only while `shown < total`.
 */
export function useIncrementalRows(total: number): { shown: number; sentinelRef: (el: Element | null) => void; showAll: () => void } {
  const [limit, setLimit] = useState(FIRST_ROWS);
  const [sentinel, setSentinel] = useState<Element | null>(null);
  useEffect(() => {
    if (!sentinel) return;
    // Observed anew after each step: if the end is still near (a tall window), it steps again.
    const observer = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && setLimit((n) => n + ROWS_PER_STEP), {
      rootMargin: '100% 0px',
    });
    observer.observe(sentinel);
    return () => observer.disconnect();
  }, [sentinel, limit]);
  return { shown: Math.min(limit, total), sentinelRef: setSentinel, showAll: () => setLimit(Infinity) };
}
