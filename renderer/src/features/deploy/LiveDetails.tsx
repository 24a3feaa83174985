/** While a deploy runs: progress bars, build output, the stack's events in words, one-off steps, rollouts per service. */
import { Accordion, Badge, Code, Group, Progress, Stack, Table, Text, Timeline } from '@mantine/core';
import type { BuildPhaseName, StackEvent } from '../../../../shared/domain/deploy';
import { ScrollRegion } from '../../ui/ScrollRegion';
import { PHASE_WORDS, resourceWords, statusColor, statusWords } from '../../ui/words';
import { progressWords, type DeployView } from './deploy-state';

const SHOWN_EVENTS = 60;

export function ProgressBars({ view }: { view: DeployView }) {
  // Bars matter while their phase runs; the stepper tells the rest.
  const live = view.progress.filter((p) => view.phases[p.phase].state === 'running');
  if (live.length === 0) return null;
  return (
    <Stack gap={6} role="group" aria-label="Progress">
      {live.map((p) => {
        const value = p.total > 0 ? Math.min(100, (p.done / p.total) * 100) : 0;
        const label = `${PHASE_WORDS[p.phase].label}${p.item ? ` · ${p.item}` : ''}`;
        return (
          <div key={p.key}>
            <Group justify="space-between" gap="xs">
              <Text size="xs">{label}</Text>
              <Text size="xs" c="dimmed">
                {progressWords(p)}
              </Text>
            </Group>
            <Progress value={value} size="sm" aria-label={label} animated={value < 100} />
          </div>
        );
      })}
    </Stack>
  );
}

/** CodeBuild's phases in the user's words. */
const BUILD_PHASE_WORDS: Record<BuildPhaseName, string> = {
  SUBMITTED: 'Submitted',
  QUEUED: 'Waiting for a builder',
  PROVISIONING: 'Starting the builder',
  DOWNLOAD_SOURCE: 'Starting the builder',
  INSTALL: 'Preparing tools',
  PRE_BUILD: 'Fetching the build context',
  BUILD: 'Building and pushing',
  POST_BUILD: 'Finishing',
  UPLOAD_ARTIFACTS: 'Finishing',
  FINALIZING: 'Finishing',
  COMPLETED: 'Done',
};

/** How a finished build ended, in words and colour. */
const BUILD_ENDINGS: Record<string, { words: string; color: string }> = {
  SUCCEEDED: { words: 'Built', color: 'green' },
  FAILED: { words: 'Failed', color: 'red' },
  FAULT: { words: 'Failed (AWS fault)', color: 'red' },
  TIMED_OUT: { words: 'Timed out', color: 'red' },
  STOPPED: { words: 'Stopped', color: 'gray' },
};

function BuildBadge({ service, phase }: { service: string; phase: { phase: BuildPhaseName; status?: string } }) {
  const ending = phase.status ? BUILD_ENDINGS[phase.status] : undefined;
  const words = ending?.words ?? BUILD_PHASE_WORDS[phase.phase];
  return (
    <Badge size="sm" variant="light" color={ending?.color ?? 'blue'} aria-label={`Build of ${service}: ${words}`}>
      {words}
    </Badge>
  );
}

export function BuildOutput({ view }: { view: DeployView }) {
  const services = [...new Set([...Object.keys(view.buildPhases), ...Object.keys(view.buildLogs)])];
  if (services.length === 0) return null;
  return (
    <Accordion variant="contained" multiple>
      {services.map((s) => (
        <Accordion.Item key={s} value={s}>
          <Accordion.Control>
            <Group gap="xs">
              <Text size="sm">Build output of {s}</Text>
              {view.buildPhases[s] && <BuildBadge service={s} phase={view.buildPhases[s]!} />}
            </Group>
          </Accordion.Control>
          <Accordion.Panel>
            <ScrollRegion label={`Build output of ${s}`} mah={240} follow={view.buildLogs[s]}>
              <Code block fz="xs">
                {(view.buildLogs[s] ?? []).join('\n') || 'No output yet.'}
              </Code>
            </ScrollRegion>
          </Accordion.Panel>
        </Accordion.Item>
      ))}
    </Accordion>
  );
}

function eventTitle(e: StackEvent): string {
  return e.label ?? `${resourceWords(e.type)} ${e.logicalId}`;
}

export function StackTimeline({ events }: { events: StackEvent[] }) {
  if (events.length === 0) return null;
  const shown = events.slice(0, SHOWN_EVENTS);
  return (
    <section aria-label="Resource events">
      <Text size="sm" fw={600} mb={6}>
        What is happening to your resources
      </Text>
      <ScrollRegion label="Event list, newest first" mah={360}>
        <Timeline bulletSize={12} lineWidth={2} active={-1}>
          {shown.map((e) => (
            <Timeline.Item
              key={e.eventId}
              color={statusColor(e.status)}
              title={
                <Group gap={6} wrap="nowrap">
                  <Text size="sm" fw={500} title={`${e.type} · ${e.logicalId} · ${e.status}`}>
                    {eventTitle(e)}
                  </Text>
                  <Badge size="xs" color={statusColor(e.status)} variant="light">
                    {statusWords(e.status)}
                  </Badge>
                </Group>
              }
            >
              {e.reason && (
                <Text size="xs" c={/FAILED/.test(e.status) ? 'red' : 'dimmed'}>
                  {e.reason}
                </Text>
              )}
              <Text size="xs" c="dimmed">
                {new Date(e.timestamp).toLocaleTimeString()}
              </Text>
            </Timeline.Item>
          ))}
        </Timeline>
      </ScrollRegion>
      {events.length > SHOWN_EVENTS && (
        <Text size="xs" c="dimmed">
          and {events.length - SHOWN_EVENTS} earlier events
        </Text>
      )}
    </section>
  );
}

export function Rollouts({ view }: { view: DeployView }) {
  const list = Object.values(view.rollouts);
  if (list.length === 0) return null;
  return (
    <Table aria-label="Services starting" verticalSpacing={4}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Service</Table.Th>
          <Table.Th>Running</Table.Th>
          <Table.Th>State</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {list.map((r) => (
          <Table.Tr key={r.service}>
            <Table.Td>
              <Text size="sm" fw={500}>
                {r.service}
              </Text>
              {r.lastEvent && (
                <Text size="xs" c="dimmed">
                  {r.lastEvent}
                </Text>
              )}
            </Table.Td>
            <Table.Td w={200}>
              <Text size="xs">
                {r.running} of {r.desired} running{r.pending > 0 ? `, ${r.pending} starting` : ''}
              </Text>
              <Progress value={r.desired > 0 ? (r.running / r.desired) * 100 : 0} size="xs" color={r.state === 'failed' ? 'red' : undefined} aria-label={`${r.service} running copies`} />
            </Table.Td>
            <Table.Td>
              <Badge color={r.state === 'completed' ? 'green' : r.state === 'failed' ? 'red' : 'blue'} variant="light">
                {r.state === 'completed' ? 'healthy' : r.state === 'failed' ? 'failed' : 'starting'}
              </Badge>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

const ONE_OFF_WORDS = { running: 'running', succeeded: 'done', failed: 'failed' } as const;

/** One-off steps (migrations) that run once during the stack update, before the services that wait for them. */
export function OneOffs({ view }: { view: DeployView }) {
  const runs = Object.values(view.oneOffs);
  if (runs.length === 0) return null;
  return (
    <section aria-label="One-off steps">
      <Text size="sm" fw={600} mb={6}>
        One-off steps
      </Text>
      <Stack gap="xs">
        {runs.map((r) => (
          <div key={r.service}>
            <Group gap={6}>
              <Text size="sm" fw={500}>
                {r.service}
              </Text>
              <Badge size="sm" variant="light" color={r.state === 'failed' ? 'red' : r.state === 'succeeded' ? 'green' : 'blue'}>
                {ONE_OFF_WORDS[r.state]}
                {r.exitCode !== undefined ? ` · exit ${r.exitCode}` : ''}
              </Badge>
              {r.taskId && (
                <Text size="xs" c="dimmed">
                  task {r.taskId.slice(0, 12)}
                </Text>
              )}
            </Group>
            <Text size="xs" c={r.state === 'failed' ? 'red' : 'dimmed'}>
              {r.state === 'running' ? 'Runs once before the services that depend on it; they wait for it to finish.' : (r.message ?? 'Finished; the services that wait for it go on.')}
            </Text>
            {r.lines.length > 0 && (
              <ScrollRegion label={`Output of ${r.service}`} mah={160} follow={r.lines}>
                <Code block fz="xs">
                  {r.lines.join('\n')}
                </Code>
              </ScrollRegion>
            )}
          </div>
        ))}
      </Stack>
    </section>
  );
}
