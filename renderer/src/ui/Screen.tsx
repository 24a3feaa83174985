/** The common layout of a screen: a title, one line on what it is for, then the content. */
import { Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';

export function Screen({ title, intro, actions, children }: { title: string; intro?: ReactNode; actions?: ReactNode; children: ReactNode }) {
  return (
    <Stack gap="md" maw={1200}>
      <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'flex-start', gap: 16 }}>
        <div>
          <Title order={2}>{title}</Title>
          {intro && (
            <Text c="dimmed" size="sm" mt={4}>
              {intro}
            </Text>
          )}
        </div>
        {actions}
      </div>
      {children}
    </Stack>
  );
}
