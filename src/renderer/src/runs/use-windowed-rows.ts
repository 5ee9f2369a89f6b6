import { useEffect, useState } from 'react';

/**
 * Which rows of a long, fixed-row-height list to render: the ones in the scrolling container's
 * view plus `overscan` above and below, with the heights of the rest as two spacers.
 *
 * Why not use-incremental-rows (render 100, then more as the end nears): a runs table is sorted
 * and filtered over and over, and after one scroll to the bottom of 5,000 runs the incremental
 * list holds all 5,000 rows, so every re-sort repaints them all. A window keeps the DOM at a few
 * dozen rows however long the list or wherever the scroll. Fixed row height (one line per cell)
 * makes the arithmetic exact without measuring rows; no dependency does more than these lines.
 * Keyboard users keep working: tabbing into an overscan row scrolls it into view, which moves
 * the window along.
 */
export function useWindowedRows(total: number, rowHeight: number, overscan = 10): {
  containerRef: (el: HTMLElement | null) => void;
  first: number;
  last: number;
  padTop: number;
  padBottom: number;
} {
  const [el, setEl] = useState<HTMLElement | null>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(800);
  useEffect(() => {
    if (!el) return;
    const measure = () => setHeight(el.clientHeight || 800);
    const onScroll = () => setScrollTop(el.scrollTop);
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    measure();
    onScroll();
    el.addEventListener('scroll', onScroll, { passive: true });
    return () => {
      observer.disconnect();
      el.removeEventListener('scroll', onScroll);
    };
  }, [el]);
  const first = Math.min(total, Math.max(0, Math.floor(scrollTop / rowHeight) - overscan));
  const last = Math.min(total, Math.ceil((scrollTop + height) / rowHeight) + overscan);
  return { containerRef: setEl, first, last, padTop: first * rowHeight, padBottom: (total - last) * rowHeight };
}
