/** Monthly cost of each mode side by side, itemised; the chosen mode stands out. */
import { Badge, Button, Card, Group, List, SimpleGrid, Table, Text } from '@mantine/core';
import type { CostEstimate, DeploymentMode } from '../../../../shared/domain/plan';
import { MODE_WORDS, usd } from '../../ui/words';

export function CostComparison({ costs, selected, onSelect }: { costs: CostEstimate[]; selected: DeploymentMode; onSelect: (mode: DeploymentMode) => void }) {
  if (costs.length === 0) return <Text size="sm" c="dimmed">No cost estimate for this region.</Text>;
  const first = costs[0]!;
  return (
    <>
      <SimpleGrid cols={{ base: 1, md: costs.length }} spacing="sm">
        {costs.map((c) => {
          const active = c.mode === selected;
          return (
            <Card
              key={c.mode}
              withBorder
              padding="sm"
              component="section"
              aria-label={`Cost in ${MODE_WORDS[c.mode].label} mode`}
              style={active ? { borderColor: 'var(--mantine-primary-color-filled)', borderWidth: 2 } : undefined}
            >
              <Group justify="space-between" mb={4}>
                <Text fw={600}>{MODE_WORDS[c.mode].label}</Text>
                {active ? (
                  <Badge>Chosen</Badge>
                ) : (
                  <Button size="compact-xs" variant="light" onClick={() => onSelect(c.mode)}>
                    Choose
                  </Button>
                )}
              </Group>
              <Text size="xl" fw={700} data-testid={`cost-total-${c.mode}`}>
                {usd(c.monthlyUsd)}
                <Text span size="sm" c="dimmed" fw={400}>
                  {' '}
                  / month
                </Text>
              </Text>
              <Table mt="xs" verticalSpacing={2} fz="xs" aria-label={`${MODE_WORDS[c.mode].label} cost items`}>
                <Table.Tbody>
                  {c.lines.map((line) => (
                    <Table.Tr key={line.item}>
                      <Table.Td>
                        <Text size="xs">{line.item}</Text>
                        <Text size="xs" c="dimmed">
                          {line.quantity}
                        </Text>
                      </Table.Td>
                      <Table.Td ta="right" style={{ whiteSpace: 'nowrap' }}>
                        {usd(line.monthlyUsd)}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Card>
          );
        })}
      </SimpleGrid>
      <Text size="xs" c="dimmed" mt="xs">
        Estimated from AWS list prices of {first.priceDate} for {first.region}, running all month.
      </Text>
      <List size="xs" c="dimmed" spacing={2} mt={4} aria-label="Cost notes">
        {costNotes(costs).map((note) => (
          <List.Item key={note}>{note}</List.Item>
        ))}
      </List>
    </>
  );
}

/** Each mode's notes once, in order; a note only some modes have names them. */
export function costNotes(costs: CostEstimate[]): string[] {
  const notes: string[] = [];
  for (const c of costs) for (const n of c.notes) if (!notes.includes(n)) notes.push(n);
  return notes.map((n) => {
    const modes = costs.filter((c) => c.notes.includes(n)).map((c) => MODE_WORDS[c.mode].label);
    return modes.length === costs.length ? n : `${modes.join(' and ')}: ${n}`;
  });
}
