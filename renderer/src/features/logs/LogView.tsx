/**
 * The virtualised log list: only the rows on screen exist in the DOM, so 100,000 lines scroll
 * as smoothly as 100. It alone re-renders when lines arrive (at most once per frame), follows
 * the newest line unless the user scrolls up, and can show only the lines matching a search.
 */
import { Box, Text } from '@mantine/core';
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useLayoutEffect, useMemo, useRef } from 'react';
import type { LogLine } from '../../../../shared/domain/logs';
import { AnsiText } from './AnsiText';
import type { LogBuffer } from './log-buffer';
import { useBufferVersion } from './use-log-tail';

export const ROW_HEIGHT = 20;

const SERVICE_COLORS = ['blue', 'teal', 'grape', 'orange', 'cyan', 'pink', 'lime', 'violet', 'yellow', 'indigo'];
/** A stable colour per service name. */
function serviceColor(name: string): string {
  let h = 0;
  for (let i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) | 0;
  return SERVICE_COLORS[Math.abs(h) % SERVICE_COLORS.length]!;
}

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', fractionalSecondDigits: 3, hour12: false });

const Row = memo(function Row({ line, search, top }: { line: LogLine; search: string; top: number }) {
  const who = line.service ?? line.source;
  return (
    <div className="berth-log-row" style={{ transform: `translateY(${top}px)`, height: ROW_HEIGHT }} data-testid="log-row">
      <span className="berth-log-time" title={new Date(line.timestamp).toString()}>
        {timeFormat.format(line.timestamp)}
      </span>
      <span className="berth-log-service" style={{ color: `var(--mantine-color-${serviceColor(who)}-text)` }} title={line.stream}>
        {who}
      </span>
      <span className="berth-log-message">
        <AnsiText text={line.message} search={search} />
      </span>
    </div>
  );
});

/** Indices of lines containing `search` (case-insensitive), or null to show every line. */
export function useMatching(buffer: LogBuffer, search: string, onlyMatching: boolean): number[] | null {
  const version = useBufferVersion(buffer);
  return useMemo(() => {
    if (!search || !onlyMatching) return null;
    const needle = search.toLowerCase();
    return buffer.indicesWhere((l) => l.message.toLowerCase().includes(needle));
    // version: the buffer's content changed.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [buffer, version, search, onlyMatching]);
}

export interface LogViewProps {
  buffer: LogBuffer;
  search: string;
  onlyMatching: boolean;
  follow: boolean;
  onFollowChange(follow: boolean): void;
  height: number | string;
}

export function LogView({ buffer, search, onlyMatching, follow, onFollowChange, height }: LogViewProps) {
  const version = useBufferVersion(buffer);
  const matching = useMatching(buffer, search, onlyMatching);
  const count = matching ? matching.length : buffer.length;
  const parentRef = useRef<HTMLDivElement>(null);
  const programmatic = useRef(false);
  const virtualizer = useVirtualizer({ count, getScrollElement: () => parentRef.current, estimateSize: () => ROW_HEIGHT, overscan: 12 });

  // Keep the newest line in view while following.
  useLayoutEffect(() => {
    const el = parentRef.current;
    if (!follow || count === 0 || !el) return;
    const bottom = count * ROW_HEIGHT - el.clientHeight;
    if (Math.abs(el.scrollTop - bottom) < 1) return;
    programmatic.current = true;
    el.scrollTop = bottom;
  }, [follow, count, version]);

  useEffect(() => {
    const el = parentRef.current;
    if (!el) return;
    const onScroll = () => {
      if (programmatic.current) {
        programmatic.current = false;
        return;
      }
      const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < ROW_HEIGHT * 2;
      if (atBottom !== follow) onFollowChange(atBottom);
    };
    el.addEventListener('scroll', onScroll, { passive: true });
    return () => el.removeEventListener('scroll', onScroll);
  }, [follow, onFollowChange]);

  const items = virtualizer.getVirtualItems();
  return (
    <Box ref={parentRef} className="berth-log-view" style={{ height, overflow: 'auto' }} tabIndex={0} role="log" aria-label="Log lines" aria-live="off" data-count={count}>
      {count === 0 ? (
        <Text size="sm" c="dimmed" p="sm">
          {buffer.length === 0 ? 'No log lines yet.' : 'No line matches the search.'}
        </Text>
      ) : (
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative', minWidth: '100%' }}>
          {items.map((item) => {
            const line = buffer.at(matching ? matching[item.index]! : item.index);
            // Keyed by on-screen slot: when lines scroll by, rows are updated in place, not re-created.
            return line ? <Row key={item.index % (items.length + 1)} line={line} search={search} top={item.start} /> : null;
          })}
        </div>
      )}
    </Box>
  );
}

/** "12,345 lines · 3,000 older lines dropped", re-rendered with the buffer. */
export function LogCount({ buffer, search, onlyMatching }: { buffer: LogBuffer; search: string; onlyMatching: boolean }) {
  const matching = useMatching(buffer, search, onlyMatching);
  return (
    <Text size="xs" c="dimmed" data-testid="log-count">
      {matching ? `${matching.length.toLocaleString()} of ${buffer.length.toLocaleString()} lines match` : `${buffer.length.toLocaleString()} lines`}
      {buffer.dropped > 0 ? ` · ${buffer.dropped.toLocaleString()} older lines dropped to save memory` : ''}
    </Text>
  );
}
