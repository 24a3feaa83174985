/** Inventory: everything Berth owns in the account (this region or all), what it costs, and teardown. */
import { Accordion, Alert, Anchor, Badge, Button, Card, Group, Loader, Stack, Switch, Table, Text, Tooltip } from '@mantine/core';
import { IconExternalLink } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { Inventory, InventoryStack, TaggedResource } from '../../../../shared/domain/inventory';
import { api } from '../../api';
import { ErrorAlert } from '../../ui/ErrorAlert';
import { NeedsConnection } from '../../ui/NeedsConnection';
import { Screen } from '../../ui/Screen';
import { AwsTerm } from '../../ui/AwsTerm';
import { isFailureStatus, localTime, resourceWords, statusColor, statusWords, usd } from '../../ui/words';
import { TeardownModal, type TeardownTarget } from './TeardownModal';

const TAGGED_WORDS: Record<string, string> = {
  'ssm:parameter': 'Stored setting (secret)',
  'ecr:repository': 'Image registry',
  's3:prefix': 'Stored files',
  's3:bucket': 'Storage bucket',
  'logs:log-group': 'Log storage',
  'rds:snapshot': 'Database snapshot',
  'rds:db': 'Postgres database',
  'elasticache:cluster': 'Redis',
  'elasticloadbalancing:loadbalancer': 'Load balancer',
  'ecs:cluster': 'Container cluster',
  'ecs:service': 'Running service',
  'ecs:task-definition': 'Container definition',
  'elasticfilesystem:file-system': 'Volumes (EFS file system)',
  'elasticfilesystem:access-point': 'Volume folder (EFS access point)',
};

/** A tagged resource's kind in words ("ecr:repository" → "Image registry"). */
function taggedWords(r: TaggedResource): string {
  if (r.type.includes('::')) return resourceWords(r.type);
  return TAGGED_WORDS[r.type] ?? r.type;
}

function ConsoleLink({ href, label }: { href?: string; label: string }) {
  if (!href) return null;
  return (
    <Anchor href={href} size="xs" aria-label={label}>
      AWS console <IconExternalLink size={11} />
    </Anchor>
  );
}

function StackItem({ stack, onTeardown }: { stack: InventoryStack; onTeardown: (t: TeardownTarget) => void }) {
  return (
    <Accordion.Item value={stack.stackName}>
      <Group wrap="nowrap" gap={0}>
        <Accordion.Control>
        <Group justify="space-between" wrap="nowrap" pr="sm">
          <Group gap="xs" wrap="nowrap">
            <Text fw={600} size="sm">
              {stack.kind === 'bootstrap' ? 'Shared setup (berth-bootstrap)' : `Project ${stack.project ?? stack.stackName}`}
            </Text>
            <Tooltip label={stack.status}>
              <Badge color={statusColor(stack.status)} variant="light" size="sm">
                {statusWords(stack.status)}
              </Badge>
            </Tooltip>
          </Group>
          <Group gap="md" wrap="nowrap">
            <Text size="xs" c={stack.error ? 'red' : 'dimmed'}>
              {stack.error ? 'resources unreadable' : `${stack.resources.length} resources`} · updated {localTime(stack.lastUpdated)}
            </Text>
            {stack.monthlyUsd !== undefined && (
              <Text size="sm" fw={500}>
                {usd(stack.monthlyUsd)}/mo
              </Text>
            )}
          </Group>
        </Group>
        </Accordion.Control>
        {stack.kind === 'project' && stack.project && (
          <Button
            size="xs"
            color="red"
            variant="light"
            mx="sm"
            style={{ flexShrink: 0 }}
            aria-label={`Tear down ${stack.project}`}
            onClick={() => onTeardown({ kind: 'project', project: stack.project! })}
          >
            Tear down…
          </Button>
        )}
      </Group>
      <Accordion.Panel>
        <Group mb="xs">
          <ConsoleLink href={stack.consoleUrl} label={`Open ${stack.stackName} in the AWS console`} />
        </Group>
        {stack.error && (
          <Alert color="red" variant="light" mb="xs" title="This stack could not be read">
            {stack.error}
          </Alert>
        )}
        <Table verticalSpacing={3} aria-label={`Resources of ${stack.stackName}`}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Resource</Table.Th>
              <Table.Th>Name in AWS</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {stack.resources.map((r) => (
              <Table.Tr key={r.logicalId}>
                <Table.Td>
                  <AwsTerm type={r.type} detail={r.logicalId} />
                </Table.Td>
                <Table.Td>
                  <Text size="xs" ff="monospace" c="dimmed" style={{ wordBreak: 'break-all' }}>
                    {r.physicalId}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Badge size="xs" color={statusColor(r.status)} variant={isFailureStatus(r.status) ? 'filled' : 'light'}>
                    {statusWords(r.status)}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  <ConsoleLink href={r.consoleUrl} label={`Open ${r.logicalId} in the AWS console`} />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Accordion.Panel>
    </Accordion.Item>
  );
}

function TaggedList({ title, list, hint }: { title: string; list: TaggedResource[]; hint?: string }) {
  if (list.length === 0) return null;
  return (
    <Stack gap={4}>
      <Text size="sm" fw={600}>
        {title}
      </Text>
      {hint && (
        <Text size="xs" c="dimmed">
          {hint}
        </Text>
      )}
      <Table verticalSpacing={2} aria-label={title}>
        <Table.Tbody>
          {list.map((r) => (
            <Table.Tr key={r.arn}>
              <Table.Td>
                <Tooltip label={r.type}>
                  <Text size="sm" tabIndex={0}>
                    {taggedWords(r)}
                  </Text>
                </Tooltip>
              </Table.Td>
              <Table.Td>
                <Text size="xs">{r.project ?? '—'}</Text>
              </Table.Td>
              <Table.Td>
                <Text size="xs" ff="monospace" c="dimmed" style={{ wordBreak: 'break-all' }}>
                  {r.arn}
                </Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}

function RegionInventory({ inv, onTeardown }: { inv: Inventory; onTeardown: (t: TeardownTarget) => void }) {
  const projects = inv.stacks.filter((s) => s.kind === 'project');
  const bootstrap = inv.stacks.find((s) => s.kind === 'bootstrap');
  const total = inv.stacks.reduce((sum, s) => sum + (s.monthlyUsd ?? 0), 0);
  const kept = inv.volumes ?? [];
  const empty = inv.stacks.length === 0 && inv.outside.length === 0 && inv.leftovers.length === 0 && inv.snapshots.length === 0 && kept.length === 0;
  return (
    <Card withBorder padding="md" component="section" aria-label={`Region ${inv.region}`}>
      <Group justify="space-between" mb="sm">
        <Text fw={600}>
          {inv.region}{' '}
          <Text span size="sm" c="dimmed" fw={400}>
            account {inv.account}
          </Text>
        </Text>
        {total > 0 && (
          <Text size="sm">
            About <b>{usd(total)}</b> per month
          </Text>
        )}
      </Group>
      {empty ? (
        <Text size="sm" c="dimmed" data-testid="inventory-empty">
          Berth owns nothing here.
        </Text>
      ) : (
        <Stack gap="md">
          {inv.stacks.length > 0 && (
            <Accordion multiple variant="separated">
              {[...projects, ...(bootstrap ? [bootstrap] : [])].map((s) => (
                <StackItem key={s.stackName} stack={s} onTeardown={onTeardown} />
              ))}
            </Accordion>
          )}
          {inv.leftovers.length > 0 && (
            <Alert color="yellow" title="Leftovers">
              <TaggedList title="Tagged for a project whose stack is gone" list={inv.leftovers} hint="Tear the project down again to remove them, or delete them in the AWS console." />
            </Alert>
          )}
          <TaggedList title="Outside the stacks" list={inv.outside} hint="Images, config values and other things Berth created next to the stacks." />
          {kept.length > 0 && (
            <Stack gap={2} component="section" aria-label="Volumes kept">
              <Text size="sm" fw={600}>
                Volumes kept (EFS)
              </Text>
              {kept.map((v) => (
                <Text size="xs" key={v.id}>
                  {v.id} {v.project ? `(${v.project})` : ''}
                </Text>
              ))}
              <Text size="xs" c="dimmed">
                Their data is still there, billed by the GB. Tear the project down again with “Also delete the project’s volumes” to remove them.
              </Text>
            </Stack>
          )}
          {inv.snapshots.length > 0 && (
            <Stack gap={2}>
              <Text size="sm" fw={600}>
                Snapshots kept
              </Text>
              {inv.snapshots.map((s) => (
                <Text size="xs" key={s.id}>
                  {s.kind === 'cache' ? 'Cache' : 'Database'} snapshot {s.id} {s.project ? `(${s.project})` : ''} {s.createdAt ? `· ${localTime(s.createdAt)}` : ''}
                </Text>
              ))}
            </Stack>
          )}
          {bootstrap && (
            <Group justify="flex-end">
              <Tooltip label={projects.length > 0 ? 'Tear down every project in this region first' : 'Removes the shared network, cluster and bucket'}>
                <span>
                  <Button size="xs" variant="subtle" color="red" disabled={projects.length > 0} onClick={() => onTeardown({ kind: 'bootstrap' })}>
                    Remove Berth’s shared setup…
                  </Button>
                </span>
              </Tooltip>
            </Group>
          )}
        </Stack>
      )}
    </Card>
  );
}

function InventoryBody() {
  const [allRegions, setAllRegions] = useState(false);
  const [teardown, setTeardown] = useState<TeardownTarget | null>(null);
  const inventory = useQuery({ queryKey: ['inventory:list', allRegions], queryFn: () => api['inventory:list']({ allRegions }) });
  return (
    <>
      <Group justify="space-between">
        <Switch label="Every region" checked={allRegions} onChange={(e) => setAllRegions(e.currentTarget.checked)} />
        <Button size="xs" variant="default" onClick={() => void inventory.refetch()} loading={inventory.isFetching}>
          Refresh
        </Button>
      </Group>
      {inventory.isPending && <Loader size="sm" aria-label="Reading the inventory" />}
      <ErrorAlert error={inventory.error} title="Could not read what Berth owns" />
      {inventory.data?.length === 0 && (
        <Text size="sm" c="dimmed" data-testid="inventory-empty">
          Berth owns nothing in this account.
        </Text>
      )}
      {inventory.data?.map((inv) => (
        <RegionInventory key={`${inv.account}/${inv.region}`} inv={inv} onTeardown={setTeardown} />
      ))}
      <TeardownModal target={teardown} onClose={() => setTeardown(null)} />
    </>
  );
}

export function InventoryScreen() {
  return (
    <Screen title="Inventory" intro="Everything Berth created in your account, what it costs per month, and how to remove it without leftovers.">
      <NeedsConnection what="The inventory">
        <InventoryBody />
      </NeedsConnection>
    </Screen>
  );
}
