/** Picks the deployment mode (affordable, balanced, high availability) with what each means. */
import { SegmentedControl, Stack, Text } from '@mantine/core';
import { DEPLOYMENT_MODES, type DeploymentMode } from '../../../shared/domain/plan';
import { MODE_WORDS } from './words';

export function ModePicker({ value, onChange, vertical }: { value: DeploymentMode; onChange: (mode: DeploymentMode) => void; vertical?: boolean }) {
  return (
    <Stack gap={4}>
      <Text size="sm" fw={500} id="mode-label">
        Deployment mode
      </Text>
      <SegmentedControl
        aria-labelledby="mode-label"
        value={value}
        onChange={(v) => onChange(v as DeploymentMode)}
        orientation={vertical ? 'vertical' : 'horizontal'}
        fullWidth={vertical}
        data={DEPLOYMENT_MODES.map((m) => ({ value: m, label: MODE_WORDS[m].label }))}
      />
      <Text size="xs" c="dimmed">
        {MODE_WORDS[value].description}
      </Text>
    </Stack>
  );
}
