/** Deploy: start a deployment, watch every phase live, apply the changes, see the outcome and the history. */
import { Accordion, Alert, Anchor, Button, Card, Checkbox, Grid, Group, Stack, Text } from '@mantine/core';
import { IconRocket } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { hasErrors } from '../../../../shared/domain/diagnostics';
import { api, onReconnect } from '../../api';
import { useCurrentProject } from '../../app/current-project';
import { useLoadedProject, useProjectMode } from '../../app/project-data';
import { navigate } from '../../app/routes';
import { ErrorAlert } from '../../ui/ErrorAlert';
import { ModePicker } from '../../ui/ModePicker';
import { NeedsConnection } from '../../ui/NeedsConnection';
import { NoProject } from '../../ui/NoProject';
import { Screen } from '../../ui/Screen';
import { ChangeSetDiffTable } from './ChangeSetDiffTable';
import { awaitingApproval, type DeployView } from './deploy-state';
import { deployStore, useDeployView } from './deploy-store';
import { DeployStepper } from './DeployStepper';
import { History } from './History';
import { HolderAlert, useHolder } from './Holder';
import { Comparison } from './Comparison';
import { RollbackDialog } from './RollbackDialog';
import { canRollBackTo, KEPT_DEPLOYMENTS, runningDeployment } from '../../../../shared/domain/rollback';
import type { DeploymentRecord } from '../../../../shared/domain/deploy';
import { BuildOutput, OneOffs, ProgressBars, Rollouts, StackTimeline } from './LiveDetails';
import { DnsRecords } from './DnsRecords';
import { Outcome } from './Outcome';

/** Finds the running deployment after a restart or a dropped connection, and the end of one that finished meanwhile. */
function useReattach(dir: string) {
  const queryClient = useQueryClient();
  const active = useQuery({ queryKey: ['deploy:active', dir], queryFn: () => api['deploy:active']({ dir }) });
  useEffect(() => {
    if (active.data) {
      deployStore.attach(dir, active.data);
      return;
    }
    if (active.data !== null) return;
    // Nothing runs: if the shown deployment never saw its end, take it from the history.
    const shown = deployStore.get(dir);
    if (!shown?.deploymentId || shown.record) return;
    void api['deploy:history']({ dir }).then((records) => {
      const mine = records.find((r) => r.id === shown.deploymentId);
      if (mine) deployStore.attach(dir, mine);
    });
  }, [active.data, dir]);
  useEffect(
    () =>
      onReconnect(() => {
        void queryClient.invalidateQueries({ queryKey: ['deploy:active', dir] });
        void queryClient.invalidateQueries({ queryKey: ['deploy:history', dir] });
      }),
    [dir, queryClient],
  );
}

function Blockers({ dir }: { dir: string }) {
  const loaded = useLoadedProject(dir);
  const secrets = useQuery({ queryKey: ['secrets:list', dir], queryFn: () => api['secrets:list']({ dir }), enabled: Boolean(loaded.data?.project) });
  const problems = loaded.data ? loaded.data.diagnostics.filter((d) => d.severity === 'error').length : 0;
  const missing = secrets.data?.missing ?? [];
  if (problems === 0 && missing.length === 0) return null;
  return (
    <Alert color="yellow" title="Before you deploy" role="status" data-testid="deploy-blockers">
      <Stack gap={4}>
        {problems > 0 && (
          <Text size="sm">
            {problems} problem{problems > 1 ? 's' : ''} in the compose files.{' '}
            <Anchor component="button" size="sm" onClick={() => navigate('project')}>
              See them
            </Anchor>
          </Text>
        )}
        {missing.length > 0 && (
          <Text size="sm">
            Missing config: {missing.join(', ')}.{' '}
            <Anchor component="button" size="sm" onClick={() => navigate('secrets')}>
              {missing.length > 1 ? 'Set them' : 'Set it'}
            </Anchor>
          </Text>
        )}
      </Stack>
    </Alert>
  );
}

function Live({ view, dir }: { view: DeployView; dir: string }) {
  const queryClient = useQueryClient();
  const [approvedId, setApprovedId] = useState<string | null>(null);
  const approve = useMutation({
    mutationFn: (deploymentId: string) => api['deploy:approve']({ deploymentId }),
    onSuccess: (_r, id) => setApprovedId(id),
  });
  const cancel = useMutation({
    mutationFn: (deploymentId: string) => api['deploy:cancel']({ deploymentId }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['deploy:active', dir] }),
  });
  const running = view.record === null;
  const waiting = awaitingApproval(view) && approvedId !== view.deploymentId;
  return (
    <Grid gap="md">
      <Grid.Col span={{ base: 12, md: 4 }}>
        <Card withBorder padding="md">
          <DeployStepper view={view} />
          {running && view.deploymentId && !view.stale && (
            <Button mt="md" variant="default" color="red" fullWidth onClick={() => cancel.mutate(view.deploymentId!)} loading={cancel.isPending}>
              Cancel deployment
            </Button>
          )}
          <ErrorAlert error={cancel.error} title="Could not cancel" />
        </Card>
      </Grid.Col>
      <Grid.Col span={{ base: 12, md: 8 }}>
        <Stack gap="md">
          {view.stale && (
            <Alert color="blue" title="Finding the deployment again" role="status">
              Berth restarted while this deployment ran. Checking what it is doing now…
            </Alert>
          )}
          {view.record && <Outcome record={view.record} />}
          {!view.record && <DnsRecords events={view.stackEvents} />}
          {waiting && view.diff && (
            <Card withBorder padding="md" style={{ borderColor: 'var(--mantine-primary-color-filled)', borderWidth: 2 }} component="section" aria-label="Changes to apply">
              <Text fw={600}>Apply these changes?</Text>
              <Text size="sm" c="dimmed" mb="xs">
                Nothing has changed in your account yet. Replacements delete and re-create a resource.
              </Text>
              <ChangeSetDiffTable diff={view.diff} />
              <Group justify="flex-end" mt="sm">
                <Button variant="default" onClick={() => cancel.mutate(view.deploymentId!)} loading={cancel.isPending}>
                  Cancel
                </Button>
                <Button onClick={() => approve.mutate(view.deploymentId!)} loading={approve.isPending}>
                  Apply changes
                </Button>
              </Group>
              <ErrorAlert error={approve.error} />
            </Card>
          )}
          {!waiting && view.diff && !view.diff.empty && (
            <Accordion variant="contained" defaultValue={view.record ? null : 'changes'}>
              <Accordion.Item value="changes">
                <Accordion.Control>
                  <Text fw={600} size="sm">
                    Changes {view.record ? 'applied' : 'being applied'} ({view.diff.changes.length})
                  </Text>
                </Accordion.Control>
                <Accordion.Panel>
                  <ChangeSetDiffTable diff={view.diff} />
                </Accordion.Panel>
              </Accordion.Item>
            </Accordion>
          )}
          <ProgressBars view={view} />
          <OneOffs view={view} />
          <Rollouts view={view} />
          <StackTimeline events={view.stackEvents} />
          <BuildOutput view={view} />
          {running && view.stackEvents.length === 0 && view.progress.length === 0 && !waiting && (
            <Text size="sm" c="dimmed">
              Working… the steps on the left show where the deployment is.
            </Text>
          )}
        </Stack>
      </Grid.Col>
    </Grid>
  );
}

function DeployBody({ dir }: { dir: string }) {
  const queryClient = useQueryClient();
  const loaded = useLoadedProject(dir);
  const [mode, setMode] = useProjectMode(dir);
  const [review, setReview] = useState(true);
  const view = useDeployView(dir);
  useReattach(dir);
  const history = useQuery({ queryKey: ['deploy:history', dir], queryFn: () => api['deploy:history']({ dir }) });
  const secrets = useQuery({ queryKey: ['secrets:list', dir], queryFn: () => api['secrets:list']({ dir }), enabled: Boolean(loaded.data?.project) });
  const inProgress = Boolean(view && view.record === null && view.deploymentId);

  // A finished deployment changes the history, the pins on the Projects screen and the inventory.
  useEffect(() => {
    if (view?.record) {
      void queryClient.invalidateQueries({ queryKey: ['deploy:history', dir] });
      void queryClient.invalidateQueries({ queryKey: ['project:recent'] });
      void queryClient.invalidateQueries({ queryKey: ['inventory:list'] });
      void queryClient.invalidateQueries({ queryKey: ['deploy:holder', dir] });
    }
  }, [view?.record, dir, queryClient]);

  const holder = useHolder(dir);
  const start = useMutation({
    mutationFn: (takeOver?: string) => api['deploy:start']({ dir, mode, autoApprove: !review, ...(takeOver ? { takeOver } : {}) }),
    // The last deployment's outcome goes away at once: what follows is about the new one.
    onMutate: () => deployStore.clear(dir),
    onSuccess: ({ deploymentId }) => {
      deployStore.track(dir, deploymentId);
      void queryClient.invalidateQueries({ queryKey: ['deploy:holder', dir] });
    },
  });
  // Held by a deployment that is not the one this screen follows: another machine, or a terminal.
  const elsewhere = holder.data && holder.data.holder.deploymentId !== view?.deploymentId ? holder.data : null;
  const blocked = !loaded.data || hasErrors(loaded.data.diagnostics) || (secrets.data?.missing.length ?? 0) > 0 || elsewhere !== null;
  const [selected, setSelected] = useState<string[]>([]);
  const [rollbackTo, setRollbackTo] = useState<DeploymentRecord | null>(null);
  // Oldest first, so the comparison reads from before to after.
  const pair = history.data && selected.length === 2 ? [...selected].sort((a, b) => history.data.findIndex((r) => r.id === b) - history.data.findIndex((r) => r.id === a)) : null;
  const comparison = useQuery({ queryKey: ['deploy:compare', dir, pair?.[0], pair?.[1]], queryFn: () => api['deploy:compare']({ dir, from: pair![0]!, to: pair![1]! }), enabled: pair !== null });
  const running = history.data ? runningDeployment(history.data) : undefined;
  const restorable = history.data ? history.data.filter((r) => canRollBackTo(r, history.data)).length : 0;

  return (
    <Stack gap="md">
      <Blockers dir={dir} />
      {elsewhere && loaded.data?.project && <HolderAlert view={elsewhere} project={loaded.data.project.name} onTakeOver={(typed) => start.mutate(typed)} busy={start.isPending} />}
      {!inProgress && (
        <Card withBorder padding="md" component="section" aria-label="Start a deployment">
          <Group justify="space-between" align="flex-end">
            <ModePicker value={mode} onChange={setMode} />
            <Stack gap="xs" align="flex-end">
              <Checkbox label="Show me the changes before applying them" checked={review} onChange={(e) => setReview(e.currentTarget.checked)} />
              <Button size="md" leftSection={<IconRocket size={18} />} onClick={() => start.mutate(undefined)} loading={start.isPending} disabled={blocked}>
                {view?.record ? 'Deploy again' : 'Deploy'}
              </Button>
            </Stack>
          </Group>
          <ErrorAlert error={start.error} title="The deployment did not start" />
        </Card>
      )}
      {view && <Live view={view} dir={dir} />}
      <Card withBorder padding="md" component="section" aria-labelledby="history-title">
        <Group justify="space-between" mb="xs">
          <Text fw={600} id="history-title">
            History
          </Text>
          {history.data && history.data.length > 1 && (
            <Text size="xs" c="dimmed">
              {restorable === 0 ? 'No earlier deployment can be put back yet.' : `${restorable} earlier deployment${restorable === 1 ? '' : 's'} can be put back (Berth keeps what the last ${KEPT_DEPLOYMENTS} successful ones ran).`} Tick two to compare them.
            </Text>
          )}
        </Group>
        <ErrorAlert error={history.error} title="Could not read the history" />
        {history.data && <History records={history.data} actions={{ selected, onSelect: setSelected, onRollback: setRollbackTo, busy: inProgress }} />}
      </Card>
      {pair && comparison.data && <Comparison comparison={comparison.data} />}
      <ErrorAlert error={comparison.error} title="Could not compare the deployments" />
      {rollbackTo && (
        <RollbackDialog
          dir={dir}
          target={rollbackTo}
          {...(running ? { running } : {})}
          onClose={() => setRollbackTo(null)}
          onStarted={(deploymentId) => {
            setRollbackTo(null);
            deployStore.clear(dir);
            deployStore.track(dir, deploymentId);
            window.scrollTo({ top: 0 });
          }}
        />
      )}
    </Stack>
  );
}

export function DeployScreen() {
  const { dir } = useCurrentProject();
  if (!dir) return <NoProject title="Deploy" />;
  return (
    <Screen title="Deploy" intro="Package, build and start the project in your account. You can leave this screen: the deployment continues.">
      <NeedsConnection what="Deploying">
        <DeployBody dir={dir} />
      </NeedsConnection>
    </Screen>
  );
}
