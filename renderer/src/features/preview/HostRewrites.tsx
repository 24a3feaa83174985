/** Service names used as hosts in settings, and the private DNS name each becomes in AWS. */
import { Code, Table, Text } from '@mantine/core';
import type { HostRewrite } from '../../../../shared/domain/project';

/** Marks the rewritten host inside a value. */
function Highlighted({ value, host }: { value: string; host: string }) {
  const i = value.indexOf(host);
  if (i < 0) return <>{value}</>;
  return (
    <>
      {value.slice(0, i)}
      <mark>{host}</mark>
      {value.slice(i + host.length)}
    </>
  );
}

export function HostRewrites({ rewrites }: { rewrites: readonly HostRewrite[] }) {
  if (rewrites.length === 0) return <Text size="sm" c="dimmed">No setting names another service as a host.</Text>;
  return (
    <Table aria-label="Host rewrites" verticalSpacing={4}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Setting</Table.Th>
          <Table.Th>On your computer</Table.Th>
          <Table.Th>In AWS</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rewrites.map((r) => {
          const newHost = r.to.match(new RegExp(`${r.host.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.[A-Za-z0-9.-]*internal`))?.[0] ?? r.host;
          return (
            <Table.Tr key={`${r.service}/${r.variable}/${r.host}`}>
              <Table.Td>
                <Text size="sm">
                  <b>{r.service}</b> <Code>{r.variable}</Code>
                </Text>
              </Table.Td>
              <Table.Td>
                <Code style={{ wordBreak: 'break-all' }}>
                  <Highlighted value={r.from} host={r.host} />
                </Code>
              </Table.Td>
              <Table.Td>
                <Code style={{ wordBreak: 'break-all' }}>
                  <Highlighted value={r.to} host={newHost} />
                </Code>
              </Table.Td>
            </Table.Tr>
          );
        })}
      </Table.Tbody>
    </Table>
  );
}
