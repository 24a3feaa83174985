/** How names resolve: each host a service's settings name, and what answers it in AWS; names nothing answers stand out. */
import { Badge, Code, Group, Table, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { hostAnswerWords, type HostAnswer, type HostReference } from '../../../../shared/domain/project';
import { relativeTo } from '../../ui/words';

const ANSWER_STYLE: Record<HostAnswer['kind'], { color: string; label: string }> = {
  service: { color: 'indigo', label: 'Service' },
  store: { color: 'teal', label: 'Store' },
  internet: { color: 'gray', label: 'Internet' },
  nothing: { color: 'yellow', label: 'Nothing' },
};

function sentenceCase(words: string): string {
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function Where({ reference, dir }: { reference: HostReference; dir: string }) {
  const { source } = reference;
  return (
    <>
      {reference.where === 'environment' ? <Code>{reference.variable}</Code> : <Text size="sm">{reference.where}</Text>}
      {source && source.line > 0 && (
        <Text size="xs" c="dimmed" ff="monospace">
          {relativeTo(dir, source.file)}:{source.line}
        </Text>
      )}
    </>
  );
}

function Answer({ answer }: { answer: HostAnswer }) {
  const style = ANSWER_STYLE[answer.kind];
  return (
    <Group gap="xs" wrap="nowrap" align="flex-start">
      <Badge color={style.color} variant={answer.kind === 'nothing' ? 'filled' : 'light'} size="sm" w={92} style={{ flexShrink: 0 }} leftSection={answer.kind === 'nothing' ? <IconAlertTriangle size={12} aria-hidden /> : undefined}>
        {style.label}
      </Badge>
      <div>
        <Text size="sm">{answer.kind === 'nothing' ? answer.why : sentenceCase(hostAnswerWords(answer))}</Text>
        {answer.kind === 'nothing' && (
          <Text size="xs" c="dimmed">
            Fix: {answer.fix}
          </Text>
        )}
        {(answer.kind === 'service' || answer.kind === 'store') && (
          <Text size="xs" c="dimmed" ff="monospace">
            {answer.dnsName}
          </Text>
        )}
      </div>
    </Group>
  );
}

export function HowNamesResolve({ references, dir }: { references: readonly HostReference[]; dir: string }) {
  if (references.length === 0) return <Text size="sm" c="dimmed">No setting names a host.</Text>;
  // Names nothing answers first (they are what the reader has to fix), then by service.
  const rows = [...references].sort((a, b) => Number(b.answer.kind === 'nothing') - Number(a.answer.kind === 'nothing') || a.service.localeCompare(b.service));
  const unresolved = rows.filter((r) => r.answer.kind === 'nothing').length;
  return (
    <>
      <Group gap="xs" mb="xs" role="group" aria-label="Summary of names">
        <Badge color="indigo" variant="light">
          {references.length - unresolved} name{references.length - unresolved === 1 ? ' resolves' : 's resolve'}
        </Badge>
        {unresolved > 0 && (
          <Badge color="yellow" variant="filled">
            {unresolved} name{unresolved === 1 ? ' resolves' : 's resolve'} to nothing
          </Badge>
        )}
      </Group>
      <Table aria-label="How names resolve" verticalSpacing={6}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Service</Table.Th>
            <Table.Th>Where</Table.Th>
            <Table.Th>Host</Table.Th>
            <Table.Th>What answers in AWS</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((r) => {
            const nothing = r.answer.kind === 'nothing';
            return (
              <Table.Tr key={`${r.service}/${r.where}/${r.variable ?? ''}/${r.host}`} data-answer={r.answer.kind} style={nothing ? { background: 'var(--mantine-color-yellow-light)' } : undefined}>
                <Table.Td>
                  <Text fw={600} size="sm">
                    {r.service}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Where reference={r} dir={dir} />
                </Table.Td>
                <Table.Td>
                  <Code>{r.host}</Code>
                </Table.Td>
                <Table.Td>
                  <Answer answer={r.answer} />
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </>
  );
}
