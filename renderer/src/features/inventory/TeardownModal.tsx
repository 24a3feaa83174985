/**
 * Tears down a project (type its name to confirm; options for config and uploads) or the
 * bootstrap, and follows the progress live until a clear final state.
 */
import { Alert, Badge, Button, Checkbox, Group, List, Modal, Stack, Text, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import type { StackEvent } from '../../../../shared/domain/deploy';
import type { TeardownEvent } from '../../../../shared/domain/inventory';
import { api } from '../../api';
import { useEvent } from '../../app/events';
import { ErrorAlert } from '../../ui/ErrorAlert';
import { resourceWords, statusColor, statusWords } from '../../ui/words';

export type TeardownTarget = { kind: 'project'; project: string } | { kind: 'bootstrap' };

interface Progress {
  steps: { step: string; state: string; message?: string }[];
  events: StackEvent[];
  finished?: { ok: boolean; message: string; leftBehind: string[] };
}

/** Folds a teardown event into the progress shown. */
export function applyTeardownEvent(progress: Progress, event: TeardownEvent): Progress {
  if (event.type === 'step') {
    const i = progress.steps.findIndex((s) => s.step === event.step);
    const step = { step: event.step, state: event.state, message: event.message };
    return { ...progress, steps: i < 0 ? [...progress.steps, step] : progress.steps.map((s, j) => (j === i ? step : s)) };
  }
  if (event.type === 'stack-event') {
    if (progress.events.some((e) => e.eventId === event.event.eventId)) return progress;
    return { ...progress, events: [event.event, ...progress.events].slice(0, 100) };
  }
  return { ...progress, finished: { ok: event.ok, message: event.message, leftBehind: event.leftBehind } };
}

const STEP_COLOR: Record<string, string> = { running: 'blue', done: 'green', failed: 'red', skipped: 'gray' };
const STEP_WORDS: Record<string, string> = {
  images: 'Delete the images',
  stack: 'Delete the resources',
  config: 'Delete the config values',
  uploads: 'Delete uploaded sources and records',
  snapshots: 'Keep database snapshots',
  'kept data': 'Find the snapshots and file systems kept',
  volumes: 'Delete the volumes (EFS)',
  bucket: 'Empty the storage bucket',
  bootstrap: 'Delete the shared setup',
  check: 'Check nothing still uses it',
};

export function TeardownModal({ target, onClose }: { target: TeardownTarget | null; onClose: () => void }) {
  const queryClient = useQueryClient();
  const [typed, setTyped] = useState('');
  const [deleteConfig, setDeleteConfig] = useState(false);
  const [deleteUploads, setDeleteUploads] = useState(true);
  // Data is the one thing a teardown cannot give back: kept unless asked.
  const [deleteVolumes, setDeleteVolumes] = useState(false);
  const [operationId, setOperationId] = useState<string | null>(null);
  const [progress, setProgress] = useState<Progress>({ steps: [], events: [] });
  const early = useRef<(TeardownEvent & { operationId: string })[]>([]);
  const expected = target?.kind === 'project' ? target.project : 'berth-bootstrap';

  useEvent('teardown:event', (event) => {
    if (operationId === null) early.current = [...early.current, event].slice(-500);
    else if (event.operationId === operationId) {
      setProgress((p) => applyTeardownEvent(p, event));
      if (event.type === 'finished') void queryClient.invalidateQueries({ queryKey: ['inventory:list'] });
    }
  });

  const start = useMutation({
    mutationFn: () =>
      target?.kind === 'project'
        ? api['inventory:teardownProject']({ project: target.project, confirm: typed, deleteConfig, deleteUploads, deleteVolumes })
        : api['inventory:teardownBootstrap']({ confirm: 'berth-bootstrap' }),
    onSuccess: ({ operationId: id }) => {
      setOperationId(id);
      // Events that arrived before the answer.
      const mine = early.current.filter((e) => e.operationId === id);
      early.current = [];
      setProgress((p) => mine.reduce(applyTeardownEvent, p));
      if (mine.some((e) => e.type === 'finished')) void queryClient.invalidateQueries({ queryKey: ['inventory:list'] });
    },
  });

  const close = () => {
    if (operationId && !progress.finished) return; // Running: the modal stays until the end.
    setTyped('');
    setOperationId(null);
    setProgress({ steps: [], events: [] });
    start.reset();
    onClose();
  };

  const title = target?.kind === 'project' ? `Tear down ${target.project}` : 'Remove Berth from this region';
  return (
    <Modal opened={target !== null} onClose={close} title={title} size="lg" closeOnClickOutside={!operationId}>
      {!operationId ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (typed === expected) start.mutate();
          }}
        >
          <Stack>
            {target?.kind === 'project' ? (
              <Text size="sm">
                Deletes the project’s services, load balancer, databases and images. Databases leave a final snapshot and named volumes keep their EFS file
                system, both listed here afterwards. The files on your computer are not touched.
              </Text>
            ) : (
              <Text size="sm">
                Deletes the shared network, container cluster and storage bucket (with every stored build) that Berth set up in this region. Only possible when no
                project is deployed here.
              </Text>
            )}
            {target?.kind === 'project' && (
              <>
                <Checkbox label="Also delete the project’s config values (secrets)" checked={deleteConfig} onChange={(e) => setDeleteConfig(e.currentTarget.checked)} />
                <Checkbox label="Also delete uploaded source packages" checked={deleteUploads} onChange={(e) => setDeleteUploads(e.currentTarget.checked)} />
                <Checkbox
                  label="Also delete the project’s volumes (EFS) and the data in them"
                  description="Kept by default, like database snapshots: this cannot be undone."
                  checked={deleteVolumes}
                  onChange={(e) => setDeleteVolumes(e.currentTarget.checked)}
                />
              </>
            )}
            <TextInput
              label={`Type ${expected} to confirm`}
              value={typed}
              onChange={(e) => setTyped(e.currentTarget.value)}
              autoComplete="off"
              spellCheck={false}
              data-autofocus
            />
            <ErrorAlert error={start.error} title="Could not start" />
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                Keep it
              </Button>
              <Button color="red" type="submit" disabled={typed !== expected} loading={start.isPending}>
                {target?.kind === 'project' ? 'Tear down' : 'Remove'}
              </Button>
            </Group>
          </Stack>
        </form>
      ) : (
        <Stack aria-live="polite">
          <List spacing={4} size="sm" aria-label="Teardown steps">
            {progress.steps.map((s) => (
              <List.Item key={s.step} icon={<Badge size="xs" color={STEP_COLOR[s.state] ?? 'gray'} variant="light" w={70}>{s.state}</Badge>}>
                {STEP_WORDS[s.step] ?? s.step}
                {s.message ? (
                  <Text span size="xs" c="dimmed">
                    {' '}
                    — {s.message}
                  </Text>
                ) : null}
              </List.Item>
            ))}
            {progress.steps.length === 0 && <Text size="sm" c="dimmed">Starting…</Text>}
          </List>
          {progress.events.slice(0, 8).map((e) => (
            <Group key={e.eventId} gap={6}>
              <Badge size="xs" color={statusColor(e.status)} variant="light">
                {statusWords(e.status)}
              </Badge>
              <Text size="xs" title={`${e.type} · ${e.logicalId}`}>
                {e.label ?? `${resourceWords(e.type)} ${e.logicalId}`}
              </Text>
            </Group>
          ))}
          {progress.finished && (
            <Alert color={progress.finished.ok ? 'green' : 'red'} title={progress.finished.ok ? 'Done' : 'Not everything could be removed'} role="status" data-testid="teardown-outcome">
              <Text size="sm">{progress.finished.message}</Text>
              {progress.finished.leftBehind.length > 0 && (
                <>
                  <Text size="sm" mt="xs">
                    Left behind:
                  </Text>
                  <List size="xs">
                    {progress.finished.leftBehind.map((l) => (
                      <List.Item key={l}>{l}</List.Item>
                    ))}
                  </List>
                </>
              )}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button onClick={close} disabled={!progress.finished}>
              Close
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
