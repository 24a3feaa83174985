/** The Preview's warning when the connected region has no room for the VPCs this deploy creates. */
import { Alert, Button, Code, CopyButton, Group, Stack, Text } from '@mantine/core';
import { IconAlertTriangle, IconExternalLink } from '@tabler/icons-react';
import type { VpcCapacity } from '../../../../shared/domain/plan';
import { openExternal } from '../../api';

/** What is in use, in words: "4 of 5 VPCs are in use (3 Berth's, the default VPC, 1 other)". */
function inUseWords(c: VpcCapacity): string {
  const others = c.inUse - c.berth - (c.defaultVpc ? 1 : 0);
  const parts = [`${c.berth} Berth's`, ...(c.defaultVpc ? ['the default VPC'] : []), ...(others > 0 ? [`${others} other`] : [])];
  return `${c.inUse} of ${c.limit} VPCs are in use (${parts.join(', ')})`;
}

/** Nothing when the VPCs fit (or were not counted); otherwise the shortfall and the two ways to make room. */
export function VpcCapacityWarning({ capacity }: { capacity?: VpcCapacity }) {
  if (!capacity || capacity.ok || !capacity.raise) return null;
  const { raise } = capacity;
  const plural = capacity.needed === 1 ? '' : 's';
  return (
    <Alert color="orange" icon={<IconAlertTriangle size={18} />} title={`No room for this deploy's network in ${capacity.region}`} role="alert" data-testid="vpc-capacity-warning">
      <Stack gap="xs">
        <Text size="sm">
          This deploy creates {capacity.needed} VPC{plural}, but {inUseWords(capacity)}
          {capacity.limitSource === 'applied' ? ' under your account’s “VPCs per Region” quota' : ' under AWS’s default “VPCs per Region” quota'}. AWS would stop it half-way, so
          Berth will not start it until there is room.
        </Text>
        <Text size="sm">
          Raise the quota to at least <b>{raise.desiredValue}</b> (AWS usually approves small increases within minutes):
        </Text>
        <Group gap="xs" wrap="nowrap" align="flex-start">
          <Code block fz="xs" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere', flex: 1 }}>
            {raise.command}
          </Code>
          <CopyButton value={raise.command}>
            {({ copied, copy }) => (
              <Button size="compact-xs" variant="subtle" onClick={copy} aria-label="Copy the quota increase command">
                {copied ? 'Copied' : 'Copy'}
              </Button>
            )}
          </CopyButton>
        </Group>
        <Group gap="xs">
          <Button size="compact-sm" variant="light" rightSection={<IconExternalLink size={12} />} onClick={() => void openExternal(raise.consoleUrl)}>
            Open Service Quotas
          </Button>
          <Text size="sm">or delete VPCs you no longer use in {capacity.region}{capacity.defaultVpc ? ' (the default VPC counts too)' : ''}.</Text>
        </Group>
        {capacity.note && (
          <Text size="xs" c="dimmed">
            {capacity.note}
          </Text>
        )}
      </Stack>
    </Alert>
  );
}
