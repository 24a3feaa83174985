/** "What do I do next": the one or two actions that move the user forward from this screen. */
import { Button, Card, Group, Text } from '@mantine/core';
import { IconArrowRight } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { navigate } from '../app/routes';

export interface NextStep {
  label: string;
  route: string;
  /** Why this is the next step, in a few words. */
  hint?: ReactNode;
  primary?: boolean;
  disabled?: boolean;
}

export function NextSteps({ steps, title = 'Next' }: { steps: NextStep[]; title?: string }) {
  if (steps.length === 0) return null;
  return (
    <Card withBorder padding="sm" aria-label="Next steps" component="section">
      <Group justify="space-between" wrap="wrap" gap="sm">
        <Text fw={600} size="sm">
          {title}
        </Text>
        <Group gap="sm">
          {steps.map((step) => (
            <Group key={step.route + step.label} gap={6} wrap="nowrap">
              {step.hint && (
                <Text size="xs" c="dimmed">
                  {step.hint}
                </Text>
              )}
              <Button
                size="sm"
                variant={step.primary ? 'filled' : 'default'}
                rightSection={<IconArrowRight size={16} />}
                onClick={() => navigate(step.route)}
                disabled={step.disabled}
              >
                {step.label}
              </Button>
            </Group>
          ))}
        </Group>
      </Group>
    </Card>
  );
}
