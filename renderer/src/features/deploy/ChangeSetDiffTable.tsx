/** A change set as a list of additions, changes, replacements and removals; replacements stand out. */
import { Badge, Group, Table, Text, Tooltip } from '@mantine/core';
import type { ChangeSetChange, ChangeSetDiff } from '../../../../shared/domain/deploy';
import { AwsTerm } from '../../ui/AwsTerm';
import { StoreMoves } from './StoreMoves';

type Kind = 'add' | 'modify' | 'replace' | 'remove' | 'other';

/** add / modify / replace / remove, where a Modify that replaces the resource counts as replace. */
export function changeKind(change: ChangeSetChange): Kind {
  if (change.action === 'Add') return 'add';
  if (change.action === 'Remove') return 'remove';
  if (change.action === 'Modify') return change.replacement === 'True' || change.replacement === 'Conditional' ? 'replace' : 'modify';
  return 'other';
}

const KIND_STYLE: Record<Kind, { color: string; label: string }> = {
  add: { color: 'green', label: 'Add' },
  modify: { color: 'blue', label: 'Change' },
  replace: { color: 'orange', label: 'Replace' },
  remove: { color: 'red', label: 'Remove' },
  other: { color: 'gray', label: 'Other' },
};

/** Counts per kind, for the summary line. */
export function summarise(diff: ChangeSetDiff): Record<Kind, number> {
  const counts: Record<Kind, number> = { add: 0, modify: 0, replace: 0, remove: 0, other: 0 };
  for (const c of diff.changes) counts[changeKind(c)]++;
  return counts;
}

export function ChangeSetDiffTable({ diff }: { diff: ChangeSetDiff }) {
  if (diff.empty || diff.changes.length === 0) {
    return <Text size="sm">Nothing to change: the resources already match the project.</Text>;
  }
  const counts = summarise(diff);
  const order: Kind[] = ['replace', 'remove', 'modify', 'add', 'other'];
  const sorted = [...diff.changes].sort((a, b) => order.indexOf(changeKind(a)) - order.indexOf(changeKind(b)));
  return (
    <>
      <StoreMoves moves={diff.moves ?? []} />
      <Group gap="xs" mb="xs" role="group" aria-label="Summary of changes">
        {(['add', 'modify', 'replace', 'remove'] as Kind[]).map((k) =>
          counts[k] > 0 ? (
            <Badge key={k} color={KIND_STYLE[k].color} variant="light">
              {counts[k]} {KIND_STYLE[k].label.toLowerCase()}
            </Badge>
          ) : null,
        )}
      </Group>
      <Table aria-label="Changes" verticalSpacing={4}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={100}>Change</Table.Th>
            <Table.Th>Resource</Table.Th>
            <Table.Th>What happens</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {sorted.map((c) => {
            const kind = changeKind(c);
            return (
              <Table.Tr
                key={c.logicalId}
                data-change={kind}
                style={kind === 'replace' ? { background: 'var(--mantine-color-orange-light)' } : undefined}
              >
                <Table.Td>
                  <Badge color={KIND_STYLE[kind].color} variant={kind === 'replace' ? 'filled' : 'light'}>
                    {KIND_STYLE[kind].label}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  <AwsTerm type={c.type} detail={c.logicalId} />
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{c.description}</Text>
                  {kind === 'replace' && (
                    <Tooltip label="The resource is deleted and created again: its data and address may change" multiline w={260}>
                      <Text size="xs" c="orange" fw={500} tabIndex={0}>
                        {c.replacement === 'Conditional' ? 'May be replaced' : 'Will be replaced'}: deleted and created again
                        {c.replacementReason && !c.description.includes(c.replacementReason) ? ` (${c.replacementReason})` : ''}
                      </Text>
                    </Tooltip>
                  )}
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </>
  );
}
