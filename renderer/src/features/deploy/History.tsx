/** Past deployments of the project with their outcome and duration; pick two to compare, or one to put back. */
import { Badge, Button, Checkbox, Group, Table, Text, Tooltip } from '@mantine/core';
import { IconArrowBackUp } from '@tabler/icons-react';
import type { DeploymentRecord } from '../../../../shared/domain/deploy';
import { canRollBackTo, runningDeployment } from '../../../../shared/domain/rollback';
import { durationWords, localTime, MODE_WORDS } from '../../ui/words';

const OUTCOME = {
  running: { color: 'blue', label: 'running' },
  succeeded: { color: 'green', label: 'succeeded' },
  failed: { color: 'red', label: 'failed' },
  cancelled: { color: 'gray', label: 'cancelled' },
  'nothing-to-change': { color: 'teal', label: 'nothing to change' },
} as const;

/** How many images a deployment built, for how long, and what CodeBuild charged for them. */
function BuildsCell({ record }: { record: DeploymentRecord }) {
  const builds = record.builds ?? [];
  if (builds.length === 0) return <Text size="sm" c="dimmed">none</Text>;
  const minutes = builds.reduce((n, b) => n + b.billedMinutes, 0);
  const usd = builds.reduce((n, b) => n + b.usd, 0);
  const detail = builds.map((b) => `${b.services.join(', ')}: ${b.seconds} s on ${b.platform} (${b.status.toLowerCase()})`).join('\n');
  return (
    <Tooltip label={detail} multiline w={300} style={{ whiteSpace: 'pre-line' }}>
      <Text size="sm" tabIndex={0}>
        {builds.length} · {minutes} min · ${usd.toFixed(3)}
      </Text>
    </Tooltip>
  );
}

export interface HistoryActions {
  /** Deployments picked for comparison (at most two). */
  selected: string[];
  onSelect: (ids: string[]) => void;
  onRollback: (record: DeploymentRecord) => void;
  /** True while a deployment runs: nothing can be put back meanwhile. */
  busy: boolean;
}

export function History({ records, actions }: { records: DeploymentRecord[]; actions?: HistoryActions }) {
  if (records.length === 0) return <Text size="sm" c="dimmed">No deployments yet.</Text>;
  const running = runningDeployment(records);
  const toggle = (id: string, on: boolean) => actions?.onSelect(on ? [...actions.selected.filter((x) => x !== id), id].slice(-2) : actions.selected.filter((x) => x !== id));
  return (
    <Table aria-label="Deployment history" verticalSpacing={4} highlightOnHover>
      <Table.Thead>
        <Table.Tr>
          {actions && <Table.Th>Compare</Table.Th>}
          <Table.Th>Started</Table.Th>
          <Table.Th>Outcome</Table.Th>
          <Table.Th>Took</Table.Th>
          <Table.Th>Image builds</Table.Th>
          <Table.Th>Mode</Table.Th>
          <Table.Th>Account · region</Table.Th>
          {actions && <Table.Th>Put back</Table.Th>}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {records.map((r) => (
          <Table.Tr key={r.id} data-deployment-id={r.id}>
            {actions && (
              <Table.Td>
                <Checkbox aria-label={`Compare the deployment of ${localTime(r.startedAt)}`} checked={actions.selected.includes(r.id)} onChange={(e) => toggle(r.id, e.currentTarget.checked)} />
              </Table.Td>
            )}
            <Table.Td>
              <Tooltip label={`Deployment ${r.id}`}>
                <Text size="sm" tabIndex={0}>
                  {localTime(r.startedAt)}
                </Text>
              </Tooltip>
              {r.id === running?.id && (
                <Badge size="xs" variant="outline" ml={6}>
                  running now
                </Badge>
              )}
            </Table.Td>
            <Table.Td>
              <Group gap={6}>
                <Badge color={OUTCOME[r.outcome].color} variant="light">
                  {OUTCOME[r.outcome].label}
                </Badge>
                {r.tookOverFrom && (
                  <Tooltip label={`${r.tookOverFrom.identityArn} on ${r.tookOverFrom.host} had stopped reporting at ${localTime(r.tookOverFrom.heartbeatAt)}`}>
                    <Text size="xs" c="dimmed" tabIndex={0}>
                      took over from {r.tookOverFrom.host}
                    </Text>
                  </Tooltip>
                )}
                {r.rollbackOf && (
                  <Text size="xs" c="dimmed">
                    rollback to {localTime(records.find((x) => x.id === r.rollbackOf)?.startedAt ?? r.rollbackOf)}
                  </Text>
                )}
              </Group>
              {r.failure && (
                <Text size="xs" c="dimmed" lineClamp={1} maw={360}>
                  {r.failure.message}
                </Text>
              )}
            </Table.Td>
            <Table.Td>
              <Text size="sm">{r.finishedAt ? durationWords(r.startedAt, r.finishedAt) : '—'}</Text>
            </Table.Td>
            <Table.Td>
              <BuildsCell record={r} />
            </Table.Td>
            <Table.Td>
              <Text size="sm">{MODE_WORDS[r.mode]?.label ?? r.mode}</Text>
            </Table.Td>
            <Table.Td>
              <Text size="xs" c="dimmed">
                {r.account} · {r.region}
              </Text>
            </Table.Td>
            {actions && (
              <Table.Td>
                {canRollBackTo(r, records) && (
                  <Button size="xs" variant="default" leftSection={<IconArrowBackUp size={14} />} disabled={actions.busy} onClick={() => actions.onRollback(r)} aria-label={`Roll back to this: the deployment of ${localTime(r.startedAt)}`}>
                    Roll back to this
                  </Button>
                )}
              </Table.Td>
            )}
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
