/**
 * "Roll back to this": before anything is applied, says whether the deployment can come back,
 * what changes compared with what runs now, which config values go back (names only) and what
 * stays as it is (data). Rolling back then runs as a deployment with the usual change review.
 */
import { Alert, Button, Group, List, Loader, Modal, Stack, Text } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import type { DeploymentRecord } from '../../../../shared/domain/deploy';
import { api } from '../../api';
import { ErrorAlert } from '../../ui/ErrorAlert';
import { localTime } from '../../ui/words';
import { Comparison } from './Comparison';

export function RollbackDialog({ dir, target, running, onClose, onStarted }: { dir: string; target: DeploymentRecord; running?: DeploymentRecord; onClose: () => void; onStarted: (deploymentId: string) => void }) {
  const check = useQuery({ queryKey: ['deploy:rollbackCheck', dir, target.id], queryFn: () => api['deploy:rollbackCheck']({ dir, deploymentId: target.id }) });
  const diff = useQuery({ queryKey: ['deploy:compare', dir, running?.id, target.id], queryFn: () => api['deploy:compare']({ dir, from: running!.id, to: target.id }), enabled: Boolean(running) });
  const start = useMutation({ mutationFn: () => api['deploy:rollback']({ dir, deploymentId: target.id }), onSuccess: ({ deploymentId }) => onStarted(deploymentId) });
  const blockers = check.data?.blockers ?? [];
  // `/Berth/<project>/NAME` → NAME: the name the user set it under.
  const names = (check.data?.configRestores ?? []).map((r) => r.parameter.split('/').slice(3).join('/') || r.parameter);
  return (
    <Modal opened onClose={onClose} title={`Roll back to the deployment of ${localTime(target.startedAt)}`} size="xl">
      <Stack gap="md">
        <Text size="sm">
          Berth deploys that deployment again exactly: its template, its images (nothing is built) and its config values. You review the changes before anything is applied, and the rollback is kept in the history like any deployment.
        </Text>
        {check.isPending && <Loader size="sm" aria-label="Checking what can come back" />}
        <ErrorAlert error={check.error} title="Could not check the deployment" />
        {blockers.length > 0 && (
          <Alert color="red" title="This deployment cannot come back" role="alert">
            <List size="sm">
              {blockers.map((b) => (
                <List.Item key={b}>{b}</List.Item>
              ))}
            </List>
          </Alert>
        )}
        {check.data && blockers.length === 0 && (
          <Alert color="blue" title="What a rollback does not undo" role="status">
            <List size="sm">
              {names.length > 0 && <List.Item>Config values that go back to that deployment’s: {names.join(', ')}.</List.Item>}
              {check.data.notes.map((n) => (
                <List.Item key={n}>{n}</List.Item>
              ))}
              {check.data.notes.length === 0 && names.length === 0 && <List.Item>Nothing: everything that deployment ran comes back as it was.</List.Item>}
            </List>
          </Alert>
        )}
        {diff.data && <Comparison comparison={diff.data} title={`What changes: from what runs now (${localTime(diff.data.from.startedAt)}) back to ${localTime(diff.data.to.startedAt)}`} />}
        <ErrorAlert error={diff.error} title="Could not compare with what runs now" />
        <ErrorAlert error={start.error} title="The rollback did not start" />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button color="orange" onClick={() => start.mutate()} loading={start.isPending} disabled={!check.data || blockers.length > 0}>
            Roll back
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
