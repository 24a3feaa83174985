/** Stores moving out of the shared network of an earlier Berth: what happens, in order, and what it costs the app. */
import { Alert, List, Text } from '@mantine/core';
import type { StoreMove } from '../../../../shared/domain/deploy';

const KIND: Record<StoreMove['kind'], string> = { postgres: 'PostgreSQL database', redis: 'Redis cache' };

export function StoreMoves({ moves }: { moves: readonly StoreMove[] }) {
  if (moves.length === 0) return null;
  const names = moves.map((m) => m.store).join(' and ');
  return (
    <Alert color="orange" title={`${names} move${moves.length === 1 ? 's' : ''} into the project’s own network`} mb="sm" role="note">
      <Text size="sm" mb={4}>
        This project was deployed when Berth ran every project in one shared network. A database or cache cannot change network in
        place, so applying these changes:
      </Text>
      <List size="sm" type="ordered" spacing={2}>
        <List.Item>stops the project’s services, so nothing writes while the data is copied (the app is offline until step 4);</List.Item>
        <List.Item>
          takes a snapshot of{' '}
          {moves.map((m, i) => (
            <span key={m.store}>
              {i > 0 ? ' and ' : ''}
              the {KIND[m.kind]} <b>{m.store}</b> (<code>{m.snapshot}</code>)
            </span>
          ))}
          ;
        </List.Item>
        <List.Item>replaces each with one restored from its snapshot in the new network, then deletes the old one (a final snapshot is kept);</List.Item>
        <List.Item>starts the services again on the restored stores.</List.Item>
      </List>
      <Text size="sm" mt={4}>
        If anything fails, the stack rolls back: the old stores stay as they are and the services start again on them. The snapshots are
        kept either way and are listed in the inventory.
      </Text>
    </Alert>
  );
}
