/** "Try Berth in the local sandbox": start it, connect to it, stop or erase it. */
import { Badge, Button, Card, Group, Modal, SegmentedControl, Stack, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconFlask } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api';
import { CONNECTION_KEY } from '../../app/connection';
import { navigate } from '../../app/routes';
import { ErrorAlert } from '../../ui/ErrorAlert';

/** The region the sandbox answers for; it accepts any, this one keeps screens familiar. */
export const SANDBOX_REGION = 'us-east-1';

export function SandboxCard({ prominent, connectedToSandbox }: { prominent: boolean; connectedToSandbox: boolean }) {
  const queryClient = useQueryClient();
  const [confirmReset, resetModal] = useDisclosure(false);
  const status = useQuery({ queryKey: ['sandbox:status'], queryFn: () => api['sandbox:status']({}) });
  const [chosenSpeed, setSpeed] = useState<'instant' | 'realistic' | undefined>(undefined);
  const speed = chosenSpeed ?? status.data?.speed ?? 'instant';

  const start = useMutation({
    mutationFn: async () => {
      const started = await api['sandbox:start']({ speed });
      if (!started.endpoint) throw new Error('The sandbox started without an address.');
      const connection = await api['connection:connect']({ target: { endpoint: started.endpoint, region: SANDBOX_REGION, sandbox: true } });
      return { started, connection };
    },
    onSuccess: ({ started, connection }) => {
      queryClient.setQueryData(['sandbox:status'], started);
      queryClient.setQueryData(CONNECTION_KEY, connection);
      navigate('projects');
    },
  });
  const stop = useMutation({
    mutationFn: async () => {
      if (connectedToSandbox) await api['connection:disconnect']({});
      return api['sandbox:stop']({});
    },
    onSuccess: (stopped) => {
      queryClient.setQueryData(['sandbox:status'], stopped);
      void queryClient.invalidateQueries({ queryKey: CONNECTION_KEY });
    },
  });
  const reset = useMutation({
    mutationFn: () => api['sandbox:reset']({ confirm: true }),
    onSuccess: (after) => {
      queryClient.setQueryData(['sandbox:status'], after);
      resetModal.close();
      void queryClient.invalidateQueries();
    },
  });

  const running = status.data?.running ?? false;
  return (
    <Card withBorder padding="md" component="section" aria-labelledby="sandbox-title" style={prominent ? { borderColor: 'var(--mantine-color-orange-5)', borderWidth: 2 } : undefined}>
      <Stack gap="sm">
        <Group gap="xs">
          <IconFlask size={20} aria-hidden />
          <Text fw={600} id="sandbox-title">
            Try Berth in the local sandbox
          </Text>
          {running && (
            <Badge color="orange" variant="light">
              Running
            </Badge>
          )}
        </Group>
        <Text size="sm" c="dimmed">
          {prominent ? 'No AWS credentials were found on this computer. ' : ''}
          The sandbox is a pretend AWS account on this computer: you can open a project, preview it, set secrets, deploy and read logs, and
          nothing is created in AWS or costs money.
        </Text>
        <Stack gap={4}>
          <Group gap="xs">
            <Text size="sm" fw={500} id="sandbox-speed-label">
              Speed
            </Text>
            <SegmentedControl
              size="xs"
              aria-labelledby="sandbox-speed-label"
              value={speed}
              onChange={(v) => setSpeed(v as 'instant' | 'realistic')}
              data={[
                { label: 'Instant', value: 'instant' },
                { label: 'As long as AWS', value: 'realistic' },
              ]}
            />
          </Group>
          <Text size="xs" c="dimmed">
            {speed === 'realistic'
              ? 'Everything takes as long as in AWS: a database about 8 minutes, a cache 6, a load balancer 3.'
              : 'Everything finishes at once, to see the whole flow quickly.'}
            {running && status.data?.speed !== speed ? ' The sandbox restarts at this speed; its data is kept.' : ''}
          </Text>
        </Stack>
        <Group>
          {(!connectedToSandbox || (running && status.data?.speed !== speed)) && (
            <Button color="orange" onClick={() => start.mutate()} loading={start.isPending} variant={prominent ? 'filled' : 'light'}>
              {running ? (status.data?.speed !== speed ? 'Restart at this speed' : 'Use the local sandbox') : 'Start the local sandbox'}
            </Button>
          )}
          {running && (
            <Button variant="default" onClick={() => stop.mutate()} loading={stop.isPending}>
              Stop the sandbox
            </Button>
          )}
          {running && (
            <Button variant="subtle" color="red" onClick={resetModal.open}>
              Erase sandbox data…
            </Button>
          )}
        </Group>
        {status.data?.endpoint && (
          <Text size="xs" c="dimmed">
            Listening on <code>{status.data.endpoint}</code>
          </Text>
        )}
        <ErrorAlert error={start.error ?? stop.error} title="The sandbox did not start" />
      </Stack>
      <Modal opened={confirmReset} onClose={resetModal.close} title="Erase the sandbox’s data?">
        <Stack>
          <Text size="sm">Every pretend stack, stored file, secret and log line in the sandbox is deleted. Your project folders are not touched.</Text>
          <ErrorAlert error={reset.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={resetModal.close}>
              Keep it
            </Button>
            <Button color="red" onClick={() => reset.mutate()} loading={reset.isPending}>
              Erase sandbox data
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Card>
  );
}
