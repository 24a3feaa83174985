/**
 * The connected account's Docker Hub credentials, for the pull-through cache. The token field is
 * uncontrolled and cleared after sending, so the token is never kept in React state, the query
 * cache or the DOM's value attribute; the main process never sends it back.
 */
import { Badge, Button, Card, Code, Group, Modal, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { IconBrandDocker } from '@tabler/icons-react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { DOCKER_HUB_SECRET_NAME, dockerHubCredentialProblem, type DockerHubAccount } from '../../../../shared/domain/docker-hub';
import { api, ApiError } from '../../api';
import { ErrorAlert } from '../../ui/ErrorAlert';
import { useAction } from '../../ui/use-action';

export const DOCKER_HUB_KEY = ['connection:dockerHub'] as const;

function StoredAccount({ account, onReplace }: { account: DockerHubAccount; onReplace: () => void }) {
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const remove = useAction();
  const removeNow = async () => {
    const ok = await remove.run(() => api['connection:removeDockerHub']({ confirm: true }));
    if (ok) {
      setConfirming(false);
      queryClient.setQueryData(DOCKER_HUB_KEY, null);
      void queryClient.invalidateQueries({ queryKey: ['plan:preview'] });
    }
  };
  return (
    <Stack gap="xs">
      <Text size="sm" data-testid="docker-hub-account">
        Signed in as <b>{account.username || 'an unnamed account'}</b>
        {account.changedAt ? `, saved ${new Date(account.changedAt).toLocaleString()}` : ''}.
      </Text>
      <Text size="xs" c="dimmed">
        Kept in this account’s Secrets Manager as <Code>{DOCKER_HUB_SECRET_NAME}</Code> (about $0.40 a month). ECR reads it to sign in; Berth never reads
        it back.
      </Text>
      <Group gap="xs">
        <Button size="xs" variant="default" onClick={onReplace}>
          Replace token
        </Button>
        <Button size="xs" variant="subtle" color="red" onClick={() => setConfirming(true)}>
          Remove
        </Button>
      </Group>
      <Modal opened={confirming} onClose={() => setConfirming(false)} title="Remove the Docker Hub account?">
        <Stack>
          <Text size="sm">
            Berth deletes the secret now. From the next deploy, tasks pull Docker Hub images anonymously again (10 pulls an hour per address), and the
            bootstrap stack drops its Docker Hub cache. Images already cached stay in ECR.
          </Text>
          <ErrorAlert error={remove.error} title="Could not remove the Docker Hub account" />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirming(false)}>
              Keep it
            </Button>
            <Button color="red" onClick={() => void removeNow()} loading={remove.pending}>
              Remove
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}

function CredentialsForm({ initialUsername, onSaved, onCancel }: { initialUsername: string; onSaved: (account: DockerHubAccount) => void; onCancel?: () => void }) {
  const tokenRef = useRef<HTMLInputElement>(null);
  const [username, setUsername] = useState(initialUsername);
  const [errors, setErrors] = useState<{ username?: string; accessToken?: string }>({});
  const save = useAction();

  const submit = async () => {
    const input = tokenRef.current;
    const problem = dockerHubCredentialProblem({ username, accessToken: input?.value ?? '' });
    if (problem) return setErrors({ [problem.field]: problem.message });
    let saved: DockerHubAccount | undefined;
    const ok = await save.run(async () => {
      saved = await api['connection:saveDockerHub']({ username: username.trim(), accessToken: input!.value });
    });
    input!.value = '';
    if (ok && saved) onSaved(saved);
  };
  const fieldError = save.error instanceof ApiError && typeof save.error.details?.field === 'string' ? save.error.details.field : undefined;

  return (
    <form
      aria-label="Docker Hub credentials"
      autoComplete="off"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <Stack gap="xs">
        <Group grow align="flex-start">
          <TextInput
            label="Docker ID"
            placeholder="yourname"
            value={username}
            onChange={(e) => {
              setUsername(e.currentTarget.value);
              setErrors({});
            }}
            error={errors.username ?? (fieldError === 'username' ? true : undefined)}
            spellCheck={false}
            autoCapitalize="off"
          />
          <PasswordInput
            ref={tokenRef}
            label="Access token"
            placeholder="dckr_pat_…"
            description="A personal access token with Public Repo Read-only access"
            error={errors.accessToken ?? (fieldError === 'accessToken' ? true : undefined)}
            autoComplete="new-password"
            spellCheck={false}
            onChange={() => setErrors({})}
          />
        </Group>
        <ErrorAlert error={save.error} title="Could not save the Docker Hub account" />
        <Group gap="xs">
          <Button type="submit" size="xs" loading={save.pending}>
            Save to this account
          </Button>
          {onCancel && (
            <Button size="xs" variant="default" onClick={onCancel}>
              Cancel
            </Button>
          )}
        </Group>
      </Stack>
    </form>
  );
}

/** Shown while connected: the account's Docker Hub credentials for pulling Docker Hub images signed in. */
export function DockerHubCard() {
  const queryClient = useQueryClient();
  const stored = useQuery({ queryKey: DOCKER_HUB_KEY, queryFn: () => api['connection:dockerHub']({}) });
  const [replacing, setReplacing] = useState(false);
  const account = stored.data ?? null;
  const saved = (next: DockerHubAccount) => {
    setReplacing(false);
    queryClient.setQueryData(DOCKER_HUB_KEY, next);
    void queryClient.invalidateQueries({ queryKey: ['plan:preview'] });
  };

  return (
    <Card withBorder padding="md" component="section" aria-labelledby="docker-hub-title">
      <Stack gap="sm">
        <Group gap="xs">
          <IconBrandDocker size={20} aria-hidden />
          <Text fw={600} id="docker-hub-title">
            Docker Hub account
          </Text>
          <Badge variant="light" color={account ? 'green' : 'gray'}>
            {account ? 'Signed in' : 'Optional'}
          </Badge>
        </Group>
        <Text size="sm" c="dimmed">
          Docker Hub’s official images (postgres, redis, nginx…) already come through your account’s ECR cache. Other Docker Hub images (bitnami/redis,
          metabase/metabase…) are pulled by each task anonymously, and Docker Hub allows 10 such pulls an hour per address. With your Docker Hub account,
          ECR pulls each of them once, signed in, and keeps it in your account.
        </Text>
        <ErrorAlert error={stored.error} title="Could not read the stored Docker Hub account" />
        {account && !replacing && <StoredAccount account={account} onReplace={() => setReplacing(true)} />}
        {stored.isSuccess && (!account || replacing) && (
          <CredentialsForm initialUsername={account?.username ?? ''} onSaved={saved} {...(replacing ? { onCancel: () => setReplacing(false) } : {})} />
        )}
        {stored.isSuccess && !account && (
          <Text size="xs" c="dimmed">
            Berth stores them in this account’s Secrets Manager, where ECR reads them; the next deploy adds the Docker Hub cache to the bootstrap stack.
          </Text>
        )}
      </Stack>
    </Card>
  );
}
