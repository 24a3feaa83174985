/** Two deployments side by side: services, images, config names (never values), compose files and resources. */
import { Badge, Card, Code, Group, Stack, Table, Text } from '@mantine/core';
import type { DeploymentComparison } from '../../../../shared/domain/deploy';
import { localTime } from '../../ui/words';

const CHANGE = { added: { color: 'green', label: 'added' }, removed: { color: 'red', label: 'removed' }, changed: { color: 'yellow', label: 'changed' } } as const;

function Section({ title, empty, children }: { title: string; empty: boolean; children: React.ReactNode }) {
  return (
    <Stack gap={4}>
      <Text fw={600} size="sm">
        {title}
      </Text>
      {empty ? (
        <Text size="sm" c="dimmed">
          No change.
        </Text>
      ) : (
        children
      )}
    </Stack>
  );
}

function ChangeRows({ rows, label }: { rows: { change: keyof typeof CHANGE; name: string; detail?: string }[]; label: string }) {
  return (
    <Table aria-label={label} verticalSpacing={2}>
      <Table.Tbody>
        {rows.map((r) => (
          <Table.Tr key={`${r.change}:${r.name}`}>
            <Table.Td w={110}>
              <Badge size="sm" variant="light" color={CHANGE[r.change].color}>
                {CHANGE[r.change].label}
              </Badge>
            </Table.Td>
            <Table.Td>
              <Text size="sm">{r.name}</Text>
            </Table.Td>
            {r.detail !== undefined && (
              <Table.Td>
                <Text size="xs" c="dimmed">
                  {r.detail}
                </Text>
              </Table.Td>
            )}
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

const shortTag = (image?: string) => (image ? `…:${image.split(':').pop()!.slice(0, 12)}` : 'none');

export function Comparison({ comparison: c, title }: { comparison: DeploymentComparison; title?: string }) {
  const services = [...c.services.added.map((name) => ({ change: 'added' as const, name })), ...c.services.removed.map((name) => ({ change: 'removed' as const, name }))];
  const config = [
    ...c.config.added.map((name) => ({ change: 'added' as const, name })),
    ...c.config.removed.map((name) => ({ change: 'removed' as const, name })),
    ...c.config.changed.map((name) => ({ change: 'changed' as const, name, detail: 'new value' })),
  ];
  return (
    <Card withBorder padding="md" component="section" aria-label="Comparison">
      <Stack gap="md">
        <Text fw={600}>{title ?? `${localTime(c.from.startedAt)} → ${localTime(c.to.startedAt)}`}</Text>
        <Section title="Services" empty={services.length === 0}>
          <ChangeRows rows={services} label="Services compared" />
        </Section>
        <Section title="Images" empty={c.images.length === 0}>
          <ChangeRows rows={c.images.map((i) => ({ change: !i.from ? 'added' : !i.to ? 'removed' : 'changed', name: i.service, detail: `${shortTag(i.from)} → ${shortTag(i.to)}` }))} label="Images compared" />
        </Section>
        <Section title="Config (names only)" empty={config.length === 0}>
          <ChangeRows rows={config} label="Config compared" />
        </Section>
        <Section title="Resources" empty={c.resources.length === 0}>
          <ChangeRows rows={c.resources.map((r) => ({ change: r.change, name: r.logicalId, detail: r.type }))} label="Resources compared" />
        </Section>
        <Section title="Compose files" empty={c.files.length === 0}>
          {c.files.map((f) => (
            <Stack key={f.path} gap={2}>
              <Group gap={6}>
                <Code>{f.path}</Code>
                <Badge size="sm" variant="light" color={CHANGE[f.change].color}>
                  {CHANGE[f.change].label}
                </Badge>
              </Group>
              <Code block aria-label={`Changes to ${f.path}`}>
                {f.diff
                  .split('\n')
                  .filter((l) => !l.startsWith('===') && !l.startsWith('Index:'))
                  .join('\n')
                  .trimEnd()}
              </Code>
            </Stack>
          ))}
        </Section>
        {c.missing.map((m) => (
          <Text key={m} size="sm" c="dimmed">
            {m}
          </Text>
        ))}
      </Stack>
    </Card>
  );
}
