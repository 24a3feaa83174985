/** Every resource Berth will create, grouped: shared first, then per service, each in plain words. */
import { Accordion, Badge, Group, Stack, Text } from '@mantine/core';
import type { PlannedResource } from '../../../../shared/domain/plan';
import { AwsTerm } from '../../ui/AwsTerm';

/** Groups resources: `shared` first, then services alphabetically. */
export function groupResources(resources: readonly PlannedResource[]): [string, PlannedResource[]][] {
  const groups = new Map<string, PlannedResource[]>();
  for (const r of resources) groups.set(r.group, [...(groups.get(r.group) ?? []), r]);
  return [...groups.entries()].sort(([a], [b]) => (a === 'shared' ? -1 : b === 'shared' ? 1 : a.localeCompare(b)));
}

export function ResourceGroups({ resources }: { resources: readonly PlannedResource[] }) {
  const groups = groupResources(resources);
  return (
    <Accordion multiple variant="separated">
      {groups.map(([group, list]) => (
        <Accordion.Item key={group} value={group}>
          <Accordion.Control>
            <Group gap="xs">
              <Text fw={600} size="sm">
                {group === 'shared' ? 'Shared by the whole project' : `Service ${group}`}
              </Text>
              <Badge variant="light" color="gray" size="sm">
                {list.length}
              </Badge>
            </Group>
          </Accordion.Control>
          <Accordion.Panel>
            <Stack gap={8}>
              {list.map((r) => (
                <div key={`${r.stack}:${r.logicalId}`}>
                  <Group gap={6} wrap="nowrap">
                    <AwsTerm type={r.type} detail={`${r.logicalId} in ${r.stack === 'bootstrap' ? 'berth-bootstrap' : 'the project stack'}`} />
                    {r.stack === 'bootstrap' && (
                      <Badge size="xs" variant="outline" color="gray">
                        once per region
                      </Badge>
                    )}
                  </Group>
                  <Text size="sm">{r.description}</Text>
                  <Text size="xs" c="dimmed">
                    Why: {r.why}
                  </Text>
                </div>
              ))}
            </Stack>
          </Accordion.Panel>
        </Accordion.Item>
      ))}
    </Accordion>
  );
}
