/**
 * The virtualised log list: only the rows on screen exist in the DOM, so 100,000 lines scroll
 * as smoothly as 100. Follows the newest line unless the user scrolls up.
 */
import { Box, Text } from '@mantine/core';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useLayoutEffect, useRef } from 'react';
import type { LogLine } from '../../../../shared/domain/logs';
import { AnsiText } from './AnsiText';

export const ROW_HEIGHT = 20;

const SERVICE_COLORS = ['blue', 'teal', 'grape', 'orange', 'cyan', 'pink', 'lime', 'violet', 'yellow', 'indigo'];
/** A stable colour per service name. */
function serviceColor(name: string): string {
  let h = 0;
  for (let i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) | 0;
  return SERVICE_COLORS[Math.abs(h) % SERVICE_COLORS.length]!;
}

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', fractionalSecondDigits: 3, hour12: false });

function Row({ line, search, top }: { line: LogLine; search: string; top: number }) {
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
}

export interface LogViewProps {
  count: number;
  lineAt(index: number): LogLine | undefined;
  search: string;
  follow: boolean;
  onFollowChange(follow: boolean): void;
  /** Changes whenever the content changes. */
  version: number;
  height: number | string;
}

export function LogView({ count, lineAt, search, follow, onFollowChange, version, height }: LogViewProps) {
  const parentRef = useRef<HTMLDivElement>(null);
  const programmatic = useRef(false);
  const virtualizer = useVirtualizer({ count, getScrollElement: () => parentRef.current, estimateSize: () => ROW_HEIGHT, overscan: 20 });

  // Keep the newest line in view while following.
  useLayoutEffect(() => {
    if (!follow || count === 0 || !parentRef.current) return;
    programmatic.current = true;
    parentRef.current.scrollTop = parentRef.current.scrollHeight;
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
    <Box
      ref={parentRef}
      className="berth-log-view"
      style={{ height, overflow: 'auto' }}
      tabIndex={0}
      role="log"
      aria-label="Log lines"
      aria-live="off"
      data-count={count}
    >
      {count === 0 ? (
        <Text size="sm" c="dimmed" p="sm">
          No log lines yet.
        </Text>
      ) : (
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative', minWidth: '100%' }}>
          {items.map((item) => {
            const line = lineAt(item.index);
            return line ? <Row key={line.id} line={line} search={search} top={item.start} /> : null;
          })}
        </div>
      )}
    </Box>
  );
}
