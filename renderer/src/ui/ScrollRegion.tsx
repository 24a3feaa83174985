/** A box that scrolls its content, reachable from the keyboard: focusable, and named as a region. */
import { ScrollArea } from '@mantine/core';
import type { ReactNode } from 'react';

export function ScrollRegion({ label, mah, children }: { label: string; mah: number; children: ReactNode }) {
  return (
    <ScrollArea.Autosize mah={mah} viewportProps={{ tabIndex: 0, role: 'region', 'aria-label': label, className: 'mantine-focus-auto' }}>
      {children}
    </ScrollArea.Autosize>
  );
}
