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

export function History({ records }: { records: DeploymentRecord[] }) {
  if (records.length === 0) return <Text size="sm" c="dimmed">No deployments yet.</Text>;
  return (
    <Table aria-label="Deployment history" verticalSpacing={4} highlightOnHover>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Started</Table.Th>
          <Table.Th>Outcome</Table.Th>
          <Table.Th>Took</Table.Th>
          <Table.Th>Image builds</Table.Th>
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
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
