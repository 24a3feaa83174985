/** One revealed value: shown on explicit request, hidden again by the user or after 30 seconds. */
import { Button, Code, CopyButton, Group, Stack, Text } from '@mantine/core';
import { useEffect } from 'react';

export const REVEAL_SECONDS = 30;

export function RevealedValue({ name, value, onHide }: { name: string; value: string; onHide: () => void }) {
  useEffect(() => {
    const timer = window.setTimeout(onHide, REVEAL_SECONDS * 1000);
    return () => window.clearTimeout(timer);
  }, [onHide]);
  return (
    <Stack gap={4} role="status" aria-label={`Value of ${name}`}>
      <Code style={{ wordBreak: 'break-all' }} data-testid="revealed-value">
        {value}
      </Code>
      <Group gap={6} wrap="nowrap">
      <CopyButton value={value}>
        {({ copied, copy }) => (
          <Button size="compact-xs" variant="subtle" onClick={copy}>
            {copied ? 'Copied' : 'Copy'}
          </Button>
        )}
      </CopyButton>
      <Button size="compact-xs" variant="light" onClick={onHide}>
        Hide
      </Button>
      <Text size="xs" c="dimmed">
        hides by itself after {REVEAL_SECONDS} s
      </Text>
      </Group>
    </Stack>
  );
}
