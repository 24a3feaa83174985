/** Preview: what Berth will create for the open project, drawn and priced, before anything happens. */
import { certificateWords } from '../../../../shared/domain/certificates';
import { Alert, Anchor, Badge, Card, Code, Group, List, Loader, Modal, Stack, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { lazy, Suspense, useState } from 'react';
import type { PlannedStack } from '../../../../shared/domain/plan';
import { api } from '../../api';
import { isConnected, useConnection } from '../../app/connection';
import { useCurrentProject } from '../../app/current-project';
import { useProjectMode } from '../../app/project-data';
import { navigate } from '../../app/routes';
import { ErrorAlert } from '../../ui/ErrorAlert';
import { ModePicker } from '../../ui/ModePicker';
import { NextSteps, type NextStep } from '../../ui/NextSteps';
import { NoProject } from '../../ui/NoProject';
import { Screen } from '../../ui/Screen';
import { ScrollRegion } from '../../ui/ScrollRegion';
import { MODE_WORDS } from '../../ui/words';
import { CostComparison } from './CostComparison';
import { HowNamesResolve } from './HowNamesResolve';
import { ImageSources } from './ImageSources';
import { GpuTable, ModelsTable } from './ModelsAndGpus';
import { ResourceGroups } from './ResourceGroups';
import { VpcCapacityWarning } from './VpcCapacityWarning';

// The diagram pulls in the layout engine: load it with the Preview, not at start-up.
const ArchitectureDiagram = lazy(() => import('./ArchitectureDiagram').then((m) => ({ default: m.ArchitectureDiagram })));

function Templates({ stacks }: { stacks: PlannedStack[] }) {
  const [open, setOpen] = useState<PlannedStack | null>(null);
  return (
    <>
      <Table aria-label="Templates" verticalSpacing={4}>
        <Table.Tbody>
          {stacks.map((s) => (
            <Table.Tr key={s.stackName}>
              <Table.Td>
                <Text size="sm" ff="monospace">
                  {s.stackName}
                </Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm">{s.resourceCount} resources</Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm">
                  {(s.bytes / 1024).toFixed(1)} KB{s.needsUpload ? ' (sent through your bucket: larger than 51,200 bytes)' : ''}
                </Text>
              </Table.Td>
              <Table.Td ta="right">
                <Anchor component="button" size="sm" onClick={() => setOpen(s)}>
                  View template
                </Anchor>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Modal opened={open !== null} onClose={() => setOpen(null)} title={open ? `CloudFormation template ${open.stackName}` : ''} size="xl">
        <ScrollRegion label="Template" mah={520}>
          <Code block>{open ? JSON.stringify(open.template, null, 2) : ''}</Code>
        </ScrollRegion>
      </Modal>
    </>
  );
}

export function PreviewScreen() {
  const { dir } = useCurrentProject();
  const [mode, setMode] = useProjectMode(dir);
  const connection = useConnection();
  const region = connection.data?.target?.region;
  const plan = useQuery({
    queryKey: ['plan:preview', dir, mode, region],
    queryFn: () => api['plan:preview']({ dir: dir!, mode, ...(region ? { region } : {}) }),
    enabled: Boolean(dir),
    placeholderData: (previous) => previous,
  });
  if (!dir) return <NoProject title="Preview" />;
  const data = plan.data;
  const connected = isConnected(connection.data);
  const steps: NextStep[] = [];
  if (data) {
    if (!connected) steps.push({ label: 'Connect', route: 'connect', hint: 'to deploy', primary: true });
    else {
      if (data.config.some((c) => c.source !== 'literal')) steps.push({ label: 'Check secrets', route: 'secrets' });
      steps.push({ label: 'Deploy', route: 'deploy', primary: true });
    }
  }

  return (
    <Screen
      title="Preview"
      intro={
        data ? (
          <>
            What Berth will create for <b>{data.project}</b> in <b>{data.region}</b>, in {MODE_WORDS[data.mode].label.toLowerCase()} mode. Nothing is created until you
            deploy.
          </>
        ) : (
          'What Berth will create, drawn and priced. Nothing is created until you deploy.'
        )
      }
      actions={<ModePicker value={mode} onChange={setMode} />}
    >
      {plan.isPending && <Loader size="sm" aria-label="Planning" />}
      {plan.error && (
        <>
          <ErrorAlert error={plan.error} title="Berth could not plan this project" />
          <div>
            <Anchor component="button" onClick={() => navigate('project')}>
              See the problems on the Project screen
            </Anchor>
          </div>
        </>
      )}
      {data && (
        <>
          {data.preflight.length > 0 && (
            <Alert color="red" title="These would fail in AWS">
              <List size="sm">
                {data.preflight.map((p, i) => (
                  <List.Item key={i}>
                    {p.message}{' '}
                    <Text span size="xs" c="dimmed" ff="monospace">
                      {p.stack} · {p.logicalId} · {p.path}
                    </Text>
                  </List.Item>
                ))}
              </List>
            </Alert>
          )}
          <VpcCapacityWarning capacity={data.vpcCapacity} />
          <NextSteps steps={steps} />

          <Card withBorder padding="md" component="section" aria-labelledby="arch-title">
            <Text fw={600} id="arch-title" mb="xs">
              How it fits together
            </Text>
            <Suspense fallback={<Loader size="sm" aria-label="Drawing the diagram" />}>
              <ArchitectureDiagram graph={data.graph} />
            </Suspense>
          </Card>

          <Card withBorder padding="md" component="section" aria-labelledby="cost-title">
            <Text fw={600} id="cost-title" mb="xs">
              Monthly cost by mode
            </Text>
            <CostComparison costs={data.costs} selected={mode} onSelect={setMode} />
          </Card>

          <Card withBorder padding="md" component="section" aria-labelledby="urls-title">
            <Text fw={600} id="urls-title" mb="xs">
              Public addresses
            </Text>
            {data.urls.length === 0 ? (
              <Text size="sm" c="dimmed">
                No service publishes a port to the internet: nothing will be reachable from outside.
              </Text>
            ) : (
              <Stack gap={4}>
                {data.urls.map((u) => (
                  <Code key={u}>{u}</Code>
                ))}
                <Text size="xs" c="dimmed">
                  The load balancer’s name is known once it exists; the Deploy screen shows the final addresses.
                </Text>
              </Stack>
            )}
            {data.certificates.length > 0 && (
              <Stack gap={4} mt="sm" aria-label="TLS certificates">
                <Text size="sm" fw={500}>
                  TLS certificates
                </Text>
                {data.certificates.map((c) => (
                  <Text key={c.domain} size="sm" c={c.validation === 'manual' ? 'orange' : undefined} data-validation={c.validation}>
                    {certificateWords(c)}
                  </Text>
                ))}
              </Stack>
            )}
          </Card>

          {(data.models.length > 0 || data.configModels.length > 0) && (
            <Card withBorder padding="md" component="section" aria-labelledby="models-title">
              <Text fw={600} id="models-title" mb="xs">
                Models (Amazon Bedrock)
              </Text>
              <ModelsTable models={data.models} configModels={data.configModels} {...(data.modelAccess ? { access: data.modelAccess } : {})} />
            </Card>
          )}

          {data.gpus.length > 0 && (
            <Card withBorder padding="md" component="section" aria-labelledby="gpus-title">
              <Text fw={600} id="gpus-title" mb="xs">
                GPU instances
              </Text>
              <GpuTable gpus={data.gpus} {...(data.gpuQuota ? { quota: data.gpuQuota } : {})} />
            </Card>
          )}

          {data.images.length > 0 && (
            <Card withBorder padding="md" component="section" aria-labelledby="images-title">
              <Text fw={600} id="images-title" mb="xs">
                Where images come from
              </Text>
              <ImageSources images={data.images} connected={connected} />
            </Card>
          )}

          <Card withBorder padding="md" component="section" aria-labelledby="names-title">
            <Text fw={600} id="names-title">
              How names resolve
            </Text>
            <Text size="xs" c="dimmed" mb="xs">
              The project gets its own network, which looks bare names up in <Code>{data.project}.internal</Code>: a service name answers in AWS as it does
              on your computer, and every value reaches the container exactly as written.
            </Text>
            <HowNamesResolve references={data.hostReferences} dir={dir} />
          </Card>

          <Card withBorder padding="md" component="section" aria-labelledby="resources-title">
            <Group gap="xs" mb="xs">
              <Text fw={600} id="resources-title">
                What will be created
              </Text>
              <Badge variant="light" color="gray">
                {data.resources.length} resources
              </Badge>
            </Group>
            <ResourceGroups resources={data.resources} />
          </Card>

          <Card withBorder padding="md" component="section" aria-labelledby="templates-title">
            <Text fw={600} id="templates-title" mb="xs">
              Templates
            </Text>
            <Templates stacks={data.stacks} />
            <Text size="xs" c="dimmed" mt="xs">
              If the project is already deployed, the Deploy screen lists exactly what changes — added, changed, replaced, removed — and waits for you to apply it.
            </Text>
          </Card>
        </>
      )}
    </Screen>
  );
}
