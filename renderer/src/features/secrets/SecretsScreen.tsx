/** Secrets: the config values a project needs, which are set, and ways to set them — never showing values unasked. */
import { Alert, Badge, Button, Card, Group, Loader, Menu, Modal, Stack, Table, Text, TextInput, Tooltip, VisuallyHidden } from '@mantine/core';
import { IconDots, IconPlus } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import type { ConfigEntry, SecretFileEntry } from '../../../../shared/domain/secrets';
import { api } from '../../api';
import { useCurrentProject } from '../../app/current-project';
import { navigate } from '../../app/routes';
import { ErrorAlert } from '../../ui/ErrorAlert';
import { NeedsConnection } from '../../ui/NeedsConnection';
import { NoProject } from '../../ui/NoProject';
import { Screen } from '../../ui/Screen';
import { useAction } from '../../ui/use-action';
import { localTime } from '../../ui/words';
import { RevealedValue } from './RevealedValue';
import { SetValueModal } from './SetValueModal';

function joinPath(dir: string, file: string): string {
  if (/^([/\\]|[A-Za-z]:[\\/])/.test(file)) return file;
  const sep = dir.includes('\\') && !dir.includes('/') ? '\\' : '/';
  return dir.replace(/[\\/]+$/, '') + sep + file;
}

function ImportEnvModal({ dir, opened, onClose }: { dir: string; opened: boolean; onClose: () => void }) {
  const queryClient = useQueryClient();
  const [file, setFile] = useState('.env');
  const importEnv = useMutation({
    mutationFn: () => api['secrets:importEnv']({ dir, file: joinPath(dir, file.trim() || '.env') }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['secrets:list', dir] }),
  });
  const close = () => {
    importEnv.reset();
    onClose();
  };
  return (
    <Modal opened={opened} onClose={close} title="Import values from a .env file">
      <Stack>
        <TextInput
          label="File"
          description="A path inside the project folder, or a full path. Every NAME=value line is stored as a config value."
          value={file}
          onChange={(e) => setFile(e.currentTarget.value)}
          spellCheck={false}
        />
        <ErrorAlert error={importEnv.error} title="Could not import" />
        {importEnv.data && (
          <Alert color="green" title={`Imported ${importEnv.data.imported.length} value${importEnv.data.imported.length === 1 ? '' : 's'}`}>
            {importEnv.data.imported.length > 0 && <Text size="sm">{importEnv.data.imported.join(', ')}</Text>}
            {importEnv.data.skipped.map((s) => (
              <Text size="xs" c="dimmed" key={s.name}>
                Skipped {s.name}: {s.reason}
              </Text>
            ))}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={close}>
            {importEnv.data ? 'Done' : 'Cancel'}
          </Button>
          {!importEnv.data && (
            <Button onClick={() => importEnv.mutate()} loading={importEnv.isPending}>
              Import
            </Button>
          )}
        </Group>
      </Stack>
    </Modal>
  );
}

function EntryRow({ dir, entry, onSet }: { dir: string; entry: ConfigEntry; onSet: (name: string) => void }) {
  const queryClient = useQueryClient();
  // The revealed value lives only in this row's state and is dropped on hide.
  const [revealed, setRevealed] = useState<string | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const reveal = useAction();
  const change = useAction();
  const hide = useCallback(() => setRevealed(null), []);
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ['secrets:list', dir] });

  return (
    <Table.Tr>
      <Table.Td>
        <Text size="sm" ff="monospace" fw={500}>
          {entry.name}
        </Text>
        {!entry.required && (
          <Text size="xs" c="dimmed">
            not used by the compose files
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        {entry.isSet ? (
          <Tooltip label={entry.lastModified ? `Last changed ${localTime(entry.lastModified)}` : 'Stored'}>
            <Badge color="green" tabIndex={0}>
              Set
            </Badge>
          </Tooltip>
        ) : (
          <Badge color="red">Missing</Badge>
        )}
      </Table.Td>
      <Table.Td>
        <Text size="xs" c="dimmed">
          {entry.usedBy.length === 0 ? '—' : entry.usedBy.map((u) => `${u.service} (${u.variable})`).join(', ')}
        </Text>
      </Table.Td>
      <Table.Td>
        {revealed !== null ? (
          <RevealedValue name={entry.name} value={revealed} onHide={hide} />
        ) : entry.isSet ? (
          <Text size="sm" c="dimmed">
            <span aria-hidden>••••••••</span>
            <VisuallyHidden>hidden value</VisuallyHidden>
          </Text>
        ) : null}
        <ErrorAlert error={reveal.error ?? change.error} />
      </Table.Td>
      <Table.Td>
        <Group gap={4} justify="flex-end" wrap="nowrap">
          <Button size="xs" variant={entry.isSet ? 'default' : 'filled'} onClick={() => onSet(entry.name)} aria-label={`${entry.isSet ? 'Change' : 'Set'} ${entry.name}`}>
            {entry.isSet ? 'Change' : 'Set'}
          </Button>
          {!entry.isSet && (
            <Button
              size="xs"
              variant="light"
              loading={change.pending}
              onClick={() => void change.run(() => api['secrets:generate']({ dir, name: entry.name })).then(refresh)}
              aria-label={`Generate ${entry.name}`}
            >
              Generate
            </Button>
          )}
          {entry.isSet && revealed === null && (
            <Button
              size="xs"
              variant="subtle"
              loading={reveal.pending}
              onClick={() =>
                void reveal.run(async () => {
                  const result = await api['secrets:reveal']({ dir, name: entry.name });
                  setRevealed(result.value);
                })
              }
              aria-label={`Reveal ${entry.name}`}
            >
              Reveal
            </Button>
          )}
          <Menu position="bottom-end" withinPortal>
            <Menu.Target>
              <Button size="xs" variant="subtle" color="gray" aria-label={`More actions for ${entry.name}`} px={6}>
                <IconDots size={16} />
              </Button>
            </Menu.Target>
            <Menu.Dropdown>
              {entry.isSet && (
                <Menu.Item onClick={() => void change.run(() => api['secrets:generate']({ dir, name: entry.name })).then(refresh)}>Replace with a random value</Menu.Item>
              )}
              {/* c, not color: Menu.Item colours its text with shade 6 of the colour, not readable on white. */}
              {entry.isSet && (
                <Menu.Item c="red" onClick={() => setConfirmDelete(true)}>
                  Delete…
                </Menu.Item>
              )}
              {!entry.isSet && <Menu.Item disabled>Nothing stored to delete</Menu.Item>}
            </Menu.Dropdown>
          </Menu>
        </Group>
        <Modal opened={confirmDelete} onClose={() => setConfirmDelete(false)} title={`Delete ${entry.name}?`}>
          <Stack>
            <Text size="sm">
              {entry.required
                ? 'The project needs this value: the next deploy will stop and ask for it.'
                : 'No compose file uses this value any more.'}{' '}
              Running services keep the value they started with.
            </Text>
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setConfirmDelete(false)}>
                Keep it
              </Button>
              <Button
                color="red"
                loading={change.pending}
                onClick={() =>
                  void change.run(() => api['secrets:delete']({ dir, names: [entry.name] })).then((ok) => {
                    if (ok) setConfirmDelete(false);
                    refresh();
                  })
                }
              >
                Delete
              </Button>
            </Group>
          </Stack>
        </Modal>
      </Table.Td>
    </Table.Tr>
  );
}

function SecretsBody({ dir }: { dir: string }) {
  const queryClient = useQueryClient();
  const listing = useQuery({ queryKey: ['secrets:list', dir], queryFn: () => api['secrets:list']({ dir }) });
  const [editing, setEditing] = useState<string | null>(null);
  const [importing, setImporting] = useState(false);
  const importDefang = useMutation({
    mutationFn: (names: { name: string; stack: string }[]) => api['secrets:importDefang']({ dir, stack: names[0]!.stack, names: names.map((n) => n.name) }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['secrets:list', dir] }),
  });

  if (listing.isPending) return <Loader size="sm" aria-label="Reading config" />;
  if (listing.error) return <ErrorAlert error={listing.error} title="Could not read the config values" />;
  const data = listing.data;
  const missing = data.missing;
  const entries = [...data.entries].sort((a, b) => Number(b.required) - Number(a.required) || a.name.localeCompare(b.name));

  return (
    <>
      {missing.length > 0 ? (
        <Alert color="yellow" title={`${missing.length} value${missing.length > 1 ? 's' : ''} still missing`} role="status">
          Deploying waits until {missing.join(', ')} {missing.length > 1 ? 'are' : 'is'} set.
        </Alert>
      ) : (
        <Alert color="green" title="Every value the project needs is set" role="status">
          The project can be deployed.
        </Alert>
      )}
      <Card withBorder padding="md" component="section" aria-labelledby="config-title">
        <Group justify="space-between" mb="xs">
          <Text fw={600} id="config-title">
            Config values of {data.project}
          </Text>
          <Group gap="xs">
            <Button size="xs" variant="default" onClick={() => setImporting(true)}>
              Import from .env…
            </Button>
            <Button size="xs" leftSection={<IconPlus size={14} />} onClick={() => setEditing('')}>
              Add value
            </Button>
          </Group>
        </Group>
        {entries.length === 0 ? (
          <Text size="sm" c="dimmed">
            The project needs no config values and none are stored.
          </Text>
        ) : (
          <Table aria-label="Config values" verticalSpacing={6}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Used by</Table.Th>
                <Table.Th miw={260}>Value</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {entries.map((e) => (
                <EntryRow key={e.name} dir={dir} entry={e} onSet={setEditing} />
              ))}
            </Table.Tbody>
          </Table>
        )}
        <Text size="xs" c="dimmed" mt="xs">
          Stored encrypted as SecureString parameters under <code>/Berth/{data.project}/</code> in your account. Containers receive them as environment variables.
        </Text>
      </Card>
      {data.secretFiles && data.secretFiles.length > 0 && <SecretFiles project={data.project} files={data.secretFiles} />}
      {data.defangImportable.length > 0 && (
        <Card withBorder padding="md">
          <Group justify="space-between">
            <Text size="sm">
              Found {data.defangImportable.length} value{data.defangImportable.length > 1 ? 's' : ''} stored by Defang for this project ({data.defangImportable.map((d) => d.name).join(', ')}).
            </Text>
            <Button size="xs" variant="light" onClick={() => importDefang.mutate(data.defangImportable)} loading={importDefang.isPending}>
              Copy from Defang
            </Button>
          </Group>
          <ErrorAlert error={importDefang.error} />
        </Card>
      )}
      <Group justify="flex-end" gap="sm">
        {missing.length > 0 && (
          <Text size="sm" c="dimmed" data-testid="deploy-blocked-reason">
            Set {missing.join(', ')} to deploy
          </Text>
        )}
        <Button onClick={() => navigate('deploy')} disabled={missing.length > 0}>
          {missing.length > 0 ? `Deploy (${missing.length} missing)` : 'Deploy'}
        </Button>
      </Group>
      <SetValueModal dir={dir} name={editing} onClose={() => setEditing(null)} />
      <ImportEnvModal dir={dir} opened={importing} onClose={() => setImporting(false)} />
    </>
  );
}

/** Compose secrets whose source is a file: Berth stores the file's contents at each deploy; the file is what you edit. */
function SecretFiles({ project, files }: { project: string; files: SecretFileEntry[] }) {
  return (
    <Card withBorder padding="md" component="section" aria-labelledby="secret-files-title">
      <Text fw={600} id="secret-files-title" mb="xs">
        Secret files
      </Text>
      <Table aria-label="Secret files" verticalSpacing={6}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Secret</Table.Th>
            <Table.Th>From file</Table.Th>
            <Table.Th>Mounted at</Table.Th>
            <Table.Th>Stored</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {files.map((f) => (
            <Table.Tr key={f.name}>
              <Table.Td>
                <Text size="sm" ff="monospace">
                  {f.name}
                </Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm" ff="monospace">
                  {f.file}
                </Text>
                {f.problem && (
                  <Text size="xs" c="red">
                    {f.problem}
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                {f.mountedBy.map((m) => (
                  <Text key={m.service} size="xs">
                    {m.service}: <code>{m.path}</code>
                  </Text>
                ))}
              </Table.Td>
              <Table.Td>
                {f.lastStored ? (
                  <Badge variant="light" color="green">
                    {localTime(f.lastStored)}
                  </Badge>
                ) : (
                  <Badge variant="light" color="gray">
                    at the next deploy
                  </Badge>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Text size="xs" c="dimmed" mt="xs">
        Each deploy reads these files on this computer and stores them encrypted under <code>/Berth/{project}/_files/</code>; the containers see them as files, as compose mounts them. Edit the file, then deploy.
      </Text>
    </Card>
  );
}

export function SecretsScreen() {
  const { dir } = useCurrentProject();
  if (!dir) return <NoProject title="Secrets" />;
  return (
    <Screen title="Secrets" intro="Passwords, keys and other config values the services need. Values are write-only: Berth shows one only when you press Reveal.">
      <NeedsConnection what="Managing secrets">
        <SecretsBody dir={dir} />
      </NeedsConnection>
    </Screen>
  );
}
