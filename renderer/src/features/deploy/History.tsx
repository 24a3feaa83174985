/** Past deployments of the project with their outcome and duration. */
import { Badge, Table, Text, Tooltip } from '@mantine/core';
import type { DeploymentRecord } from '../../../../shared/domain/deploy';
import { durationWords, localTime, MODE_WORDS } from '../../ui/words';

const OUTCOME = {
  running: { color: 'blue', label: 'running' },
  succeeded: { color: 'green', label: 'succeeded' },
  failed: { color: 'red', label: 'failed' },
  cancelled: { color: 'gray', label: 'cancelled' },
  'nothing-to-change': { color: 'teal', label: 'nothing to change' },
} as const;

export function History({ records }: { records: DeploymentRecord[] }) {
  if (records.length === 0) return <Text size="sm" c="dimmed">No deployments yet.</Text>;
  return (
    <Table aria-label="Deployment history" verticalSpacing={4} highlightOnHover>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Started</Table.Th>
          <Table.Th>Outcome</Table.Th>
          <Table.Th>Took</Table.Th>
          <Table.Th>Mode</Table.Th>
          <Table.Th>Account · region</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {records.map((r) => (
          <Table.Tr key={r.id}>
            <Table.Td>
              <Tooltip label={`Deployment ${r.id}`}>
                <Text size="sm" tabIndex={0}>
                  {localTime(r.startedAt)}
                </Text>
              </Tooltip>
            </Table.Td>
            <Table.Td>
              <Badge color={OUTCOME[r.outcome].color} variant="light">
                {OUTCOME[r.outcome].label}
              </Badge>
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
              <Text size="sm">{MODE_WORDS[r.mode]?.label ?? r.mode}</Text>
            </Table.Td>
            <Table.Td>
              <Text size="xs" c="dimmed">
                {r.account} · {r.region}
              </Text>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
