/** Projects: open a folder (native picker, a checked path field in the browser, or a drop) and the recent list. */
import { Badge, Button, Card, Group, Stack, Table, Text, TextInput, Tooltip } from '@mantine/core';
import { IconFolderOpen } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { RecentProject } from '../../../../shared/domain/app';
import { api } from '../../api';
import { isConnected, useConnection } from '../../app/connection';
import { useOpenProject } from '../../app/open-project';
import { ErrorAlert } from '../../ui/ErrorAlert';
import { NextSteps } from '../../ui/NextSteps';
import { Screen } from '../../ui/Screen';
import { localTime } from '../../ui/words';

const OUTCOME_COLOR: Record<string, string> = { succeeded: 'green', failed: 'red', cancelled: 'gray', running: 'blue', 'nothing-to-change': 'teal' };

/** The pin and last deployment of a recent project: from the list when it carries them, else asked for per row. */
function useProjectFacts(project: RecentProject) {
  const pin = useQuery({
    queryKey: ['connection:pin', project.dir],
    queryFn: () => api['connection:pin']({ dir: project.dir }),
    enabled: !project.pinned,
  });
  const history = useQuery({
    queryKey: ['deploy:history', project.dir],
    queryFn: () => api['deploy:history']({ dir: project.dir }),
    enabled: !project.lastDeployment,
  });
  const newest = history.data?.[0];
  return {
    pinned: project.pinned ?? (pin.data ? { account: pin.data.account, region: pin.data.region } : undefined),
    lastDeployment: project.lastDeployment ?? (newest ? { id: newest.id, outcome: newest.outcome, finishedAt: newest.finishedAt } : undefined),
  };
}

function LastDeployment({ last }: { last: RecentProject['lastDeployment'] }) {
  if (!last) return <Text size="sm" c="dimmed">never deployed</Text>;
  return (
    <Stack gap={2} align="flex-start">
      <Badge color={OUTCOME_COLOR[last.outcome] ?? 'gray'} variant="light" style={{ overflow: 'visible' }}>
        {last.outcome.replace(/-/g, ' ')}
      </Badge>
      {last.finishedAt && (
        <Text size="xs" c="dimmed">
          {localTime(last.finishedAt)}
        </Text>
      )}
    </Stack>
  );
}

export function ProjectsScreen() {
  const queryClient = useQueryClient();
  const info = useQuery({ queryKey: ['app:info'], queryFn: () => api['app:info']({}) });
  const recent = useQuery({ queryKey: ['project:recent'], queryFn: () => api['project:recent']({}) });
  const connection = useConnection();
  const [path, setPath] = useState('');
  const [pathError, setPathError] = useState<string | null>(null);
  const open = useOpenProject();

  const pick = useMutation({
    mutationFn: () => api['project:pickFolder']({}),
    onSuccess: (dir) => {
      if (dir) open.mutate(dir);
    },
  });

  const forget = useMutation({
    mutationFn: (dir: string) => api['project:forget']({ dir }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['project:recent'] }),
  });

  const submitPath = () => {
    const trimmed = path.trim();
    if (!trimmed) return setPathError('Type the full path of a folder that holds compose.yaml.');
    if (!/^([/\\]|[A-Za-z]:[\\/])/.test(trimmed)) return setPathError('Use a full path, e.g. /home/me/my-app.');
    setPathError(null);
    open.mutate(trimmed);
  };

  return (
    <Screen title="Projects" intro="Open a folder with a compose.yaml to see what Berth would create for it.">
      {!isConnected(connection.data) && !connection.isPending && (
        <NextSteps title="Not connected yet: you can open and preview a project, and connect to deploy it." steps={[{ label: 'Connect', route: 'connect' }]} />
      )}
      <Card withBorder padding="md" component="section" aria-labelledby="open-title">
        <Stack gap="sm">
          <Text fw={600} id="open-title">
            Open a project folder
          </Text>
          {info.data?.nativeDialogs ? (
            <Group>
              <Button leftSection={<IconFolderOpen size={16} />} onClick={() => pick.mutate()} loading={pick.isPending || open.isPending}>
                Choose folder…
              </Button>
              <Text size="sm" c="dimmed">
                or drop a folder onto the window
              </Text>
            </Group>
          ) : (
            <form
              onSubmit={(e) => {
                e.preventDefault();
                submitPath();
              }}
            >
              <Group align="flex-start">
                <TextInput
                  label="Folder path"
                  description="In the browser there is no folder picker: type or paste the project folder’s full path, or drop the folder from your file manager."
                  placeholder="/home/me/projects/my-app"
                  value={path}
                  onChange={(e) => setPath(e.currentTarget.value)}
                  error={pathError}
                  style={{ flex: 1 }}
                  spellCheck={false}
                />
                <Button type="submit" mt={46} loading={open.isPending}>
                  Open
                </Button>
              </Group>
            </form>
          )}
          <ErrorAlert error={open.error ?? pick.error} title="Could not open that folder" />
        </Stack>
      </Card>

      <Card withBorder padding="md" component="section" aria-labelledby="recent-title">
        <Text fw={600} mb="sm" id="recent-title">
          Recent projects
        </Text>
        <ErrorAlert error={recent.error} />
        {recent.data && recent.data.length === 0 && (
          <Text size="sm" c="dimmed">
            No projects yet. Open a folder above to get started.
          </Text>
        )}
        {recent.data && recent.data.length > 0 && (
          <Table highlightOnHover aria-label="Recent projects">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Project</Table.Th>
                <Table.Th>Folder</Table.Th>
                <Table.Th>Deploys to</Table.Th>
                <Table.Th>Last deployment</Table.Th>
                <Table.Th>Opened</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {recent.data.map((p) => (
                <RecentRow key={p.dir} project={p} onOpen={() => open.mutate(p.dir)} onForget={() => forget.mutate(p.dir)} />
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Card>
    </Screen>
  );
}

function RecentRow({ project: p, onOpen, onForget }: { project: RecentProject; onOpen: () => void; onForget: () => void }) {
  const { pinned, lastDeployment } = useProjectFacts(p);
  return (
    <Table.Tr>
      <Table.Td>
        <Text fw={500}>{p.name}</Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm" ff="monospace" c="dimmed">
          {p.dir}
        </Text>
      </Table.Td>
      <Table.Td>
        {pinned ? (
          <Tooltip label="The project stays with this account and region: Berth stops a deploy anywhere else">
            <Text size="sm" tabIndex={0} style={{ whiteSpace: 'nowrap' }}>
              {pinned.account} · {pinned.region}
            </Text>
          </Tooltip>
        ) : (
          <Text size="sm" c="dimmed">
            not yet
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        <LastDeployment last={lastDeployment} />
      </Table.Td>
      <Table.Td>
        <Text size="sm">{localTime(p.openedAt)}</Text>
      </Table.Td>
      <Table.Td>
        <Group gap="xs" justify="flex-end" wrap="nowrap">
          <Button size="xs" onClick={onOpen} aria-label={`Open ${p.name}`}>
            Open
          </Button>
          <Button size="xs" variant="subtle" color="gray" onClick={onForget} aria-label={`Remove ${p.name} from recent projects`}>
            Remove
          </Button>
        </Group>
      </Table.Td>
    </Table.Tr>
  );
}
