/** Project: services at a glance, problems in the files, the config it needs, the files in use, the mode. */
import { Alert, Badge, Button, Card, Group, Loader, SimpleGrid, Stack, Table, Text, Tooltip } from '@mantine/core';
import { IconRefresh } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { hasErrors } from '../../../../shared/domain/diagnostics';
import type { LoadedProject } from '../../../../shared/domain/project';
import { api } from '../../api';
import { isConnected, useConnection } from '../../app/connection';
import { HolderAlert, useHolder } from '../deploy/Holder';
import { useDeployView } from '../deploy/deploy-store';
import { useCurrentProject } from '../../app/current-project';
import { useLoadedProject, useProjectMode } from '../../app/project-data';
import { ErrorAlert } from '../../ui/ErrorAlert';
import { ModePicker } from '../../ui/ModePicker';
import { NoProject } from '../../ui/NoProject';
import { NextSteps, type NextStep } from '../../ui/NextSteps';
import { Screen } from '../../ui/Screen';
import { relativeTo } from '../../ui/words';
import { DiagnosticsList } from './DiagnosticsList';
import { ServicesTable } from './ServicesTable';

const ROLE_WORDS = { main: 'compose file', override: 'override', extends: 'extended from', env: 'variables' } as const;

function RequiredConfig({ loaded }: { loaded: LoadedProject }) {
  const connection = useConnection();
  const connected = isConnected(connection.data);
  const secrets = useQuery({
    queryKey: ['secrets:list', loaded.dir],
    queryFn: () => api['secrets:list']({ dir: loaded.dir }),
    enabled: connected && Boolean(loaded.project),
  });
  const required = loaded.project?.requiredConfig ?? [];
  if (required.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        This project needs no secret config values.
      </Text>
    );
  }
  const isSet = (name: string) => secrets.data?.entries.find((e) => e.name === name)?.isSet;
  return (
    <Stack gap="xs">
      <Table aria-label="Required config" verticalSpacing={4}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Used by</Table.Th>
            <Table.Th>Status</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {required.map((r) => {
            const set = isSet(r.name);
            return (
              <Table.Tr key={r.name}>
                <Table.Td>
                  <Text size="sm" ff="monospace">
                    {r.name}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="xs" c="dimmed">
                    {r.usedBy.map((u) => `${u.service} (${u.variable})`).join(', ')}
                  </Text>
                </Table.Td>
                <Table.Td>
                  {set === undefined ? (
                    <Badge variant="outline" color="gray">
                      {connected ? '…' : 'connect to check'}
                    </Badge>
                  ) : set ? (
                    <Badge color="green">Set</Badge>
                  ) : (
                    <Badge color="red">Missing</Badge>
                  )}
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
      {secrets.error && <ErrorAlert error={secrets.error} title="Could not check which values are set" />}
    </Stack>
  );
}

function nextSteps(loaded: LoadedProject, connected: boolean): NextStep[] {
  if (hasErrors(loaded.diagnostics)) return [];
  const steps: NextStep[] = [{ label: 'Preview what will be created', route: 'preview', primary: true }];
  if (!connected) steps.push({ label: 'Connect', route: 'connect', hint: 'to set secrets and deploy' });
  else if ((loaded.project?.requiredConfig.length ?? 0) > 0) steps.push({ label: 'Set secrets', route: 'secrets' });
  return steps;
}

export function ProjectScreen() {
  const { dir } = useCurrentProject();
  const loaded = useLoadedProject(dir);
  const [mode, setMode] = useProjectMode(dir);
  const connection = useConnection();
  const data = loaded.data;
  const errors = data ? data.diagnostics.filter((d) => d.severity === 'error').length : 0;
  const warnings = data ? data.diagnostics.filter((d) => d.severity === 'warning').length : 0;

  if (!dir) return <NoProject title="Project" />;
  return (
    <Screen
      title={data?.project?.name ? `Project ${data.project.name}` : 'Project'}
      actions={
        <Tooltip label="Compose and .env files reload by themselves; check again after changing other files, such as a build folder">
          <Button variant="default" size="xs" leftSection={<IconRefresh size={14} />} onClick={() => void loaded.refetch()} loading={loaded.isFetching}>
            Check again
          </Button>
        </Tooltip>
      }
      intro={
        <>
          {dir}{' '}
          <Tooltip label="Berth watches the folder and reloads when a compose or .env file changes">
            <Badge variant="light" color="gray" leftSection={<IconRefresh size={12} />} tabIndex={0}>
              live
            </Badge>
          </Tooltip>
        </>
      }
    >
      {loaded.isPending && <Loader size="sm" aria-label="Loading the project" />}
      <ErrorAlert error={loaded.error} title="Could not load the project" />
      {data && (
        <>
          {errors > 0 ? (
            <Alert color="red" title={`${errors} problem${errors > 1 ? 's' : ''} to fix before deploying`} role="status">
              Fix the lines below in your editor; this screen refreshes as soon as you save.
            </Alert>
          ) : warnings > 0 ? (
            <Alert color="yellow" title="Ready, with notes" role="status">
              {warnings} warning{warnings > 1 ? 's' : ''} below: parts of the compose files that run differently in AWS than on your computer.
            </Alert>
          ) : (
            <Alert color="green" title="Ready to preview" role="status">
              The compose files are valid for deploying.
            </Alert>
          )}

          {isConnected(connection.data) && data.project && <ProjectHolder dir={dir} project={data.project.name} />}
          <NextSteps steps={nextSteps(data, isConnected(connection.data))} />

          <SimpleGrid cols={{ base: 1, lg: 3 }} spacing="md">
            <Card withBorder padding="md" style={{ gridColumn: 'span 2' }} component="section" aria-labelledby="services-title">
              <Text fw={600} id="services-title" mb="xs">
                Services
              </Text>
              {data.project ? (
                <ServicesTable project={data.project} />
              ) : (
                <Text size="sm" c="dimmed">
                  The services appear once the files load without errors.
                </Text>
              )}
              {data.project?.notDeployed && data.project.notDeployed.length > 0 && (
                <Stack gap={2} mt="sm">
                  <Text size="xs" fw={600}>
                    Not deployed as containers
                  </Text>
                  {data.project.notDeployed.map((n) => (
                    <Text size="xs" c="dimmed" key={n.service}>
                      <b>{n.service}</b>: {n.reason}
                    </Text>
                  ))}
                </Stack>
              )}
            </Card>
            <Stack gap="md">
              <Card withBorder padding="md" component="section" aria-label="Mode">
                <ModePicker value={mode} onChange={setMode} vertical />
              </Card>
              <Card withBorder padding="md" component="section" aria-labelledby="files-title">
                <Text fw={600} id="files-title" mb="xs">
                  Files in use
                </Text>
                <Stack gap={4}>
                  {(data.project?.files ?? data.composeFiles.map((path) => ({ path, role: 'main' as const }))).map((f) => (
                    <Group key={f.path} gap="xs" wrap="nowrap">
                      <Text size="sm" ff="monospace">
                        {relativeTo(data.dir, f.path)}
                      </Text>
                      <Badge size="xs" variant="outline" color="gray">
                        {ROLE_WORDS[f.role]}
                      </Badge>
                    </Group>
                  ))}
                  {data.composeFiles.length === 0 && (
                    <Text size="sm" c="dimmed">
                      No compose file found.
                    </Text>
                  )}
                </Stack>
              </Card>
            </Stack>
          </SimpleGrid>

          <Card withBorder padding="md" component="section" aria-labelledby="problems-title">
            <Text fw={600} id="problems-title" mb="xs">
              Problems and notes
            </Text>
            <DiagnosticsList diagnostics={data.diagnostics} dir={data.dir} />
          </Card>

          {data.project && (
            <Card withBorder padding="md" component="section" aria-labelledby="config-title">
              <Text fw={600} id="config-title" mb="xs">
                Config values it needs
              </Text>
              <RequiredConfig loaded={data} />
              {data.project.hostReferences.length > 0 && (
                <Text size="xs" c="dimmed" mt="xs">
                  Settings name {data.project.hostReferences.length} host{data.project.hostReferences.length > 1 ? 's' : ''}; the preview shows what answers each one in AWS.
                </Text>
              )}
            </Card>
          )}
        </>
      )}
    </Screen>
  );
}

/** A deployment of this project under way on another machine (or that stopped reporting there). */
function ProjectHolder({ dir, project }: { dir: string; project: string }) {
  const holder = useHolder(dir);
  const mine = useDeployView(dir)?.deploymentId;
  if (!holder.data || holder.data.holder.deploymentId === mine) return null;
  return <HolderAlert view={holder.data} project={project} />;
}
