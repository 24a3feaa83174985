/** Projects: open a folder (native picker on desktop, a checked path field in the browser) and the recent list. */
import { Button, Card, Group, Stack, Table, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api';
import { useCurrentProject } from '../../app/current-project';
import { navigate } from '../../app/routes';
import { ErrorAlert } from '../../ui/ErrorAlert';
import { Screen } from '../../ui/Screen';

function formatWhen(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}

export function ProjectsScreen() {
  const queryClient = useQueryClient();
  const { setDir } = useCurrentProject();
  const info = useQuery({ queryKey: ['app:info'], queryFn: () => api['app:info']({}) });
  const recent = useQuery({ queryKey: ['project:recent'], queryFn: () => api['project:recent']({}) });
  const [path, setPath] = useState('');
  const [pathError, setPathError] = useState<string | null>(null);

  const open = useMutation({
    mutationFn: async (dir: string) => {
      const check = await api['project:checkFolder']({ dir });
      if (!check.exists || !check.isDirectory || check.composeFiles.length === 0) {
        throw new Error(check.message ?? 'This folder cannot be opened.');
      }
      return api['project:open']({ dir: check.dir });
    },
    onSuccess: (loaded) => {
      setDir(loaded.dir);
      void queryClient.invalidateQueries({ queryKey: ['project:recent'] });
      queryClient.setQueryData(['project:open', loaded.dir], loaded);
      navigate('project');
    },
  });

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
      <Card withBorder padding="md">
        <Stack gap="sm">
          <Text fw={600}>Open a project folder</Text>
          {info.data?.nativeDialogs ? (
            <Group>
              <Button onClick={() => pick.mutate()} loading={pick.isPending || open.isPending}>
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
                  description="In the browser there is no folder picker: type or paste the project folder’s full path."
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

      <Card withBorder padding="md">
        <Text fw={600} mb="sm">
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
                <Table.Th>Opened</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {recent.data.map((p) => (
                <Table.Tr key={p.dir}>
                  <Table.Td>
                    <Text fw={500}>{p.name}</Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" ff="monospace" c="dimmed">
                      {p.dir}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{formatWhen(p.openedAt)}</Text>
                  </Table.Td>
                  <Table.Td>
                    <Group gap="xs" justify="flex-end" wrap="nowrap">
                      <Button size="xs" onClick={() => open.mutate(p.dir)} aria-label={`Open ${p.name}`}>
                        Open
                      </Button>
                      <Button size="xs" variant="subtle" color="gray" onClick={() => forget.mutate(p.dir)} aria-label={`Remove ${p.name} from recent projects`}>
                        Remove
                      </Button>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Card>
    </Screen>
  );
}
