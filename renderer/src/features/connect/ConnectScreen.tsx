/** Connect: which AWS account and region Berth works in (a profile, or the local sandbox). */
import { Alert, Anchor, Badge, Button, Card, Code, Collapse, Group, Loader, Radio, Select, Stack, Table, Text, TextInput, Tooltip } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconAlertTriangle, IconCircleCheck } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Fragment, useEffect, useState } from 'react';
import type { ConnectionStatus, ConnectionTarget, SsoSignIn } from '../../../../shared/domain/connection';
import { api, ApiError, openExternal } from '../../api';
import { CONNECTION_KEY, isConnected, useConnection } from '../../app/connection';
import { useEvent } from '../../app/events';
import { navigate } from '../../app/routes';
import { ErrorAlert } from '../../ui/ErrorAlert';
import { NextSteps } from '../../ui/NextSteps';
import { Screen } from '../../ui/Screen';
import { isSsoKind, PROFILE_KIND_WORDS } from './profile-words';
import { DockerHubCard } from './DockerHubCard';
import { SandboxCard } from './SandboxCard';

const DEFAULT_CHAIN = '(default credentials)';

function CurrentConnection({ status }: { status: ConnectionStatus }) {
  const queryClient = useQueryClient();
  const disconnect = useMutation({
    mutationFn: () => api['connection:disconnect']({}),
    onSuccess: () => queryClient.setQueryData(CONNECTION_KEY, { target: null, identity: null }),
  });
  if (!status.target || !status.identity) return null;
  const { target, identity } = status;
  return (
    <Card withBorder padding="md" component="section" aria-label="Current connection">
      <Group justify="space-between" align="flex-start">
        <Stack gap={4}>
          <Group gap="xs">
            <IconCircleCheck size={20} color="var(--mantine-color-green-text)" aria-hidden />
            <Text fw={600}>Connected</Text>
            {target.sandbox && <Badge color="orange">Local sandbox</Badge>}
          </Group>
          <Text size="sm">
            Account <b data-testid="connected-account">{identity.account}</b> in region <b>{target.region}</b>
            {target.profile ? (
              <>
                {' '}
                with profile <b>{target.profile}</b>
              </>
            ) : null}
          </Text>
          <Tooltip label="The AWS identity (ARN) every action runs as">
            <Text size="xs" c="dimmed" ff="monospace" tabIndex={0}>
              {identity.arn}
            </Text>
          </Tooltip>
          {target.endpoint && (
            <Text size="xs" c="dimmed">
              Endpoint <code>{target.endpoint}</code>
            </Text>
          )}
        </Stack>
        <Button variant="default" onClick={() => disconnect.mutate()} loading={disconnect.isPending}>
          Disconnect
        </Button>
      </Group>
      <ErrorAlert error={disconnect.error} />
    </Card>
  );
}

function SsoPanel({ signIn, onSignedIn }: { signIn: SsoSignIn; onSignedIn: () => void }) {
  const [state, setState] = useState<{ state: string; message?: string }>({ state: 'waiting' });
  useEvent('sso:status', (event) => {
    if (event.profile !== signIn.profile) return;
    setState(event);
    if (event.state === 'signed-in') onSignedIn();
  });
  return (
    <Alert color={state.state === 'failed' || state.state === 'expired' ? 'red' : 'blue'} title={`Sign in for profile ${signIn.profile}`}>
      <Stack gap="xs">
        <Text size="sm">
          Open the sign-in page and confirm the code <Code fz="md">{signIn.userCode}</Code>. Berth continues by itself once you are signed in.
        </Text>
        <Group>
          <Button size="xs" onClick={() => void openExternal(signIn.verificationUri)}>
            Open the sign-in page
          </Button>
          <Text size="xs" c="dimmed">
            {signIn.verificationUri}
          </Text>
        </Group>
        <Text size="sm" aria-live="polite">
          {state.state === 'waiting' && 'Waiting for you to sign in…'}
          {state.state === 'signed-in' && 'Signed in.'}
          {state.state === 'failed' && `Sign-in failed${state.message ? `: ${state.message}` : ''}.`}
          {state.state === 'expired' && 'The code expired. Start again.'}
        </Text>
      </Stack>
    </Alert>
  );
}

export function ConnectScreen() {
  const queryClient = useQueryClient();
  const status = useConnection();
  const profiles = useQuery({ queryKey: ['connection:profiles'], queryFn: () => api['connection:profiles']({}) });
  const regions = useQuery({ queryKey: ['connection:regions'], queryFn: () => api['connection:regions']({}) });
  const [profile, setProfile] = useState<string>(DEFAULT_CHAIN);
  const [region, setRegion] = useState<string | null>(null);
  const [endpoint, setEndpoint] = useState('');
  const [advanced, advancedToggle] = useDisclosure(false);
  const [signIn, setSignIn] = useState<SsoSignIn | null>(null);

  const list = profiles.data?.profiles ?? [];
  const chosen = list.find((p) => p.name === profile);
  // Pick the CLI's default profile and region once they are known.
  useEffect(() => {
    if (!profiles.data) return;
    if (profiles.data.defaultProfile && profiles.data.profiles.some((p) => p.name === profiles.data.defaultProfile)) setProfile(profiles.data.defaultProfile);
    if (profiles.data.defaultRegion) setRegion((r) => r ?? profiles.data.defaultRegion ?? null);
  }, [profiles.data]);

  const connect = useMutation({
    mutationFn: () => {
      const target: ConnectionTarget = { region: region ?? chosen?.region ?? 'us-east-1' };
      if (profile !== DEFAULT_CHAIN) target.profile = profile;
      if (endpoint.trim()) target.endpoint = endpoint.trim();
      return api['connection:connect']({ target });
    },
    onSuccess: (connected) => {
      setSignIn(null);
      queryClient.setQueryData(CONNECTION_KEY, connected);
      void queryClient.invalidateQueries({ predicate: (q) => q.queryKey[0] !== 'connection:status' && q.queryKey[0] !== 'project:open' });
    },
  });
  const startSso = useMutation({
    mutationFn: (name: string) => api['connection:ssoSignIn']({ profile: name }),
    onSuccess: setSignIn,
  });

  const needsSignIn = connect.error instanceof ApiError && (connect.error.code === 'SSO_LOGIN_REQUIRED' || connect.error.code === 'CREDENTIALS_EXPIRED');
  const connected = isConnected(status.data);
  const noCredentials = profiles.data?.noCredentials ?? false;
  const regionOptions = Array.from(new Set([...(regions.data ?? []), ...(region ? [region] : [])])).sort();

  return (
    <Screen title="Connect" intro="Choose the AWS account and region Berth deploys to — or try everything first in a local sandbox.">
      {status.data && connected && <CurrentConnection status={status.data} />}
      <ErrorAlert error={status.error} title="Could not check the connection" />

      {(noCredentials || profiles.isError) && <SandboxCard prominent connectedToSandbox={Boolean(status.data?.target?.sandbox)} />}

      <Card withBorder padding="md" component="section" aria-labelledby="profiles-title">
        <Stack gap="sm">
          <Text fw={600} id="profiles-title">
            Your AWS profiles
          </Text>
          {profiles.isPending && <Loader size="sm" aria-label="Reading profiles" />}
          <ErrorAlert error={profiles.error} title="Could not read your AWS profiles" />
          {profiles.data && (
            <Text size="xs" c="dimmed">
              Read from <code>{profiles.data.configFile}</code> and <code>{profiles.data.credentialsFile}</code>, as the AWS CLI reads them.
            </Text>
          )}
          {noCredentials && (
            <Text size="sm" c="dimmed">
              No profiles and no credentials in the environment. Run <code>aws configure</code> or <code>aws configure sso</code>, then come back — or use the
              sandbox above.
            </Text>
          )}
          {list.length > 0 && (
            <Radio.Group
              value={profile}
              onChange={(name) => {
                setProfile(name);
                // A profile's own region is the likely choice; the user can still change it.
                const picked = list.find((p) => p.name === name);
                if (picked?.region) setRegion(picked.region);
              }}
              name="profile"
              label="Profile to use"
            >
              <Table aria-label="AWS profiles" verticalSpacing={6} mt="xs">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th w={40} />
                    <Table.Th>Profile</Table.Th>
                    <Table.Th>How it signs in</Table.Th>
                    <Table.Th>Region</Table.Th>
                    <Table.Th>Found in</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  <Table.Tr>
                    <Table.Td>
                      <Radio value={DEFAULT_CHAIN} aria-label="Use the default credentials" />
                    </Table.Td>
                    <Table.Td colSpan={4}>
                      <Text size="sm">Default credentials (environment variables, then the “default” profile)</Text>
                    </Table.Td>
                  </Table.Tr>
                  {list.map((p) => (
                    <Fragment key={p.name}>
                      <Table.Tr style={p.conflict ? { borderBottom: 'none' } : undefined}>
                        <Table.Td>
                          <Radio value={p.name} aria-label={`Use profile ${p.name}`} />
                        </Table.Td>
                        <Table.Td>
                          <Text fw={500} size="sm">
                            {p.name}
                          </Text>
                        </Table.Td>
                        <Table.Td>
                          <Text size="sm">{PROFILE_KIND_WORDS[p.kind]}</Text>
                        </Table.Td>
                        <Table.Td>
                          <Text size="sm" c={p.region ? undefined : 'dimmed'}>
                            {p.region ?? 'not set'}
                          </Text>
                        </Table.Td>
                        <Table.Td>
                          <Text size="xs" c="dimmed">
                            {p.sources.join(', ')}
                          </Text>
                        </Table.Td>
                      </Table.Tr>
                      {p.conflict && (
                        <Table.Tr>
                          <Table.Td />
                          <Table.Td colSpan={4}>
                            <Group gap={6} wrap="nowrap" align="flex-start" role="note" aria-label={`Warning about profile ${p.name}`}>
                              <IconAlertTriangle size={16} color="var(--mantine-color-yellow-text)" aria-hidden style={{ flexShrink: 0 }} />
                              <Text size="xs" c="yellow" style={{ overflowWrap: 'anywhere' }}>
                                {p.conflict}
                              </Text>
                            </Group>
                          </Table.Td>
                        </Table.Tr>
                      )}
                    </Fragment>
                  ))}
                </Table.Tbody>
              </Table>
            </Radio.Group>
          )}
          {!noCredentials && (
            <form
              onSubmit={(e) => {
                e.preventDefault();
                connect.mutate();
              }}
            >
              <Stack gap="sm">
                <Group align="flex-end">
                  <Select
                    label="Region"
                    description="Where your app will run"
                    data={regionOptions}
                    value={region ?? chosen?.region ?? null}
                    onChange={setRegion}
                    searchable
                    placeholder="us-east-1"
                    w={220}
                    allowDeselect={false}
                  />
                  <Button type="submit" loading={connect.isPending}>
                    Connect
                  </Button>
                  <Anchor component="button" type="button" size="sm" onClick={advancedToggle.toggle} aria-expanded={advanced}>
                    {advanced ? 'Hide custom endpoint' : 'Custom endpoint (LocalStack, …)'}
                  </Anchor>
                </Group>
                <Collapse expanded={advanced}>
                  <TextInput
                    label="Custom endpoint"
                    description="Send every AWS call to this address instead of AWS (for LocalStack or another AWS-compatible service)."
                    placeholder="http://localhost:4566"
                    value={endpoint}
                    onChange={(e) => setEndpoint(e.currentTarget.value)}
                    maw={480}
                  />
                </Collapse>
              </Stack>
            </form>
          )}
          {needsSignIn ? (
            <Alert color="yellow" title="Sign-in needed">
              <Text size="sm">{connect.error?.message}</Text>
              <Button mt="xs" size="xs" onClick={() => startSso.mutate(profile)} loading={startSso.isPending}>
                Sign in with SSO
              </Button>
            </Alert>
          ) : (
            <ErrorAlert error={connect.error} title="Could not connect" />
          )}
          {chosen && isSsoKind(chosen.kind) && !needsSignIn && !signIn && (
            <Group gap="xs">
              <Text size="xs" c="dimmed">
                Single sign-on profiles need a fresh sign-in now and then.
              </Text>
              <Button size="compact-xs" variant="subtle" onClick={() => startSso.mutate(chosen.name)} loading={startSso.isPending}>
                Sign in with SSO
              </Button>
            </Group>
          )}
          <ErrorAlert error={startSso.error} title="Could not start the sign-in" />
          {signIn && <SsoPanel signIn={signIn} onSignedIn={() => connect.mutate()} />}
        </Stack>
      </Card>

      {!noCredentials && !profiles.isError && <SandboxCard prominent={false} connectedToSandbox={Boolean(status.data?.target?.sandbox)} />}

      {connected && <DockerHubCard />}

      {connected && <NextSteps steps={[{ label: 'Open a project', route: 'projects', primary: true }]} />}
      {!connected && (
        <Text size="xs" c="dimmed">
          Berth never sends your credentials anywhere: they stay in the files above, and every call is made from this computer.{' '}
          <Anchor size="xs" component="button" type="button" onClick={() => navigate('projects')}>
            Browse projects without connecting
          </Anchor>
        </Text>
      )}
    </Screen>
  );
}
