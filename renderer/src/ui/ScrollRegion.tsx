/** A box that scrolls its content, reachable from the keyboard: focusable, and named as a region. */
import { ScrollArea } from '@mantine/core';
import { useEffect, useLayoutEffect, useRef, type ReactNode } from 'react';

/** How close to the end (px) still counts as reading the newest lines. */
const NEAR_END = 24;

/**
 * `follow`: a value that changes when lines are added (the lines themselves); the box then keeps the
 * newest line in view, as a terminal does, unless the user scrolled up to read older ones.
 */
export function ScrollRegion({ label, mah, children, follow }: { label: string; mah: number; children: ReactNode; follow?: unknown }) {
  const viewport = useRef<HTMLDivElement>(null);
  const atEnd = useRef(true);
  const following = follow !== undefined;
  useLayoutEffect(() => {
    const v = viewport.current;
    if (follow !== undefined && v && atEnd.current) v.scrollTop = v.scrollHeight;
  }, [follow]);
  // A box that opens (an accordion panel) or grows shows its newest lines too.
  useEffect(() => {
    const v = viewport.current;
    if (!following || !v || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => {
      if (atEnd.current) v.scrollTop = v.scrollHeight;
    });
    observer.observe(v);
    return () => observer.disconnect();
  }, [following]);
  return (
    <ScrollArea.Autosize
      mah={mah}
      viewportRef={viewport}
      onScrollPositionChange={() => {
        const v = viewport.current;
        if (v) atEnd.current = v.scrollHeight - v.scrollTop - v.clientHeight <= NEAR_END;
      }}
      viewportProps={{ tabIndex: 0, role: 'region', 'aria-label': label, className: 'mantine-focus-auto' }}
    >
      {children}
    </ScrollArea.Autosize>
  );
}
