/** Logs: the project's live output, filtered, searchable, pausable, copyable, in local time. */
import './logs.css';
import { Badge, Button, Card, Group, MultiSelect, Select, Switch, Text, TextInput, Tooltip } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconArrowDown, IconCopy, IconDownload, IconPlayerPause, IconPlayerPlay, IconSearch } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import type { LogQuery } from '../../../../shared/domain/logs';
import { api } from '../../api';
import { useCurrentProject } from '../../app/current-project';
import { useLoadedProject } from '../../app/project-data';
import { ErrorAlert } from '../../ui/ErrorAlert';
import { NeedsConnection } from '../../ui/NeedsConnection';
import { NoProject } from '../../ui/NoProject';
import { Screen } from '../../ui/Screen';
import { localTime } from '../../ui/words';
import { lineAsText } from './log-buffer';
import { LogCount, LogView } from './LogView';
import { useLogTail } from './use-log-tail';

const STATUS = {
  starting: { color: 'gray', label: 'connecting' },
  live: { color: 'green', label: 'live' },
  polling: { color: 'teal', label: 'live (polling)' },
  reconnecting: { color: 'yellow', label: 'reconnecting' },
  'no-logs-yet': { color: 'gray', label: 'no logs yet' },
  stopped: { color: 'gray', label: 'stopped' },
} as const;

const HOUR = 60 * 60 * 1000;

/** Saves text as a file through a detached link (not in the document, so the link guard does not see it). */
function saveText(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function LogsBody({ dir }: { dir: string }) {
  const loaded = useLoadedProject(dir);
  const history = useQuery({ queryKey: ['deploy:history', dir], queryFn: () => api['deploy:history']({ dir }) });
  const project = loaded.data?.project;
  const [services, setServices] = useState<string[]>([]);
  const [deploymentId, setDeploymentId] = useState<string | null>(null);
  const [includeBuilds, setIncludeBuilds] = useState(false);
  const [includeEvents, setIncludeEvents] = useState(true);
  const [since] = useState(() => Date.now() - HOUR);
  const [searchInput, setSearchInput] = useState('');
  const [search] = useDebouncedValue(searchInput, 150);
  const [onlyMatching, setOnlyMatching] = useState(false);
  const [paused, setPaused] = useState(false);
  const [follow, setFollow] = useState(true);

  const query = useMemo<(LogQuery & { dir: string }) | null>(() => {
    if (!project) return null;
    const q: LogQuery & { dir: string } = { project: project.name, dir, since, includeBuilds, includeEvents };
    if (services.length > 0) q.services = services;
    if (deploymentId) q.deploymentId = deploymentId;
    return q;
  }, [project, dir, since, includeBuilds, includeEvents, services, deploymentId]);

  const tail = useLogTail(query, paused);
  const { buffer } = tail;

  // Copy and Save take what the view shows: every line, or the matching ones.
  const shownLines = () => {
    const needle = search.toLowerCase();
    return search && onlyMatching ? buffer.all().filter((l) => l.message.toLowerCase().includes(needle)) : buffer.all();
  };
  const shownText = () => shownLines().map(lineAsText).join('\n');

  const copy = async () => {
    try {
      const lines = shownLines();
      await navigator.clipboard.writeText(lines.map(lineAsText).join('\n'));
      notifications.show({ message: `Copied ${lines.length.toLocaleString()} lines`, color: 'green' });
    } catch {
      notifications.show({ message: 'The clipboard is not available here: use Save instead.', color: 'red' });
    }
  };
  const status = STATUS[tail.status ?? 'starting'];

  return (
    <>
      <Card withBorder padding="sm">
        <Group gap="sm" align="flex-end" wrap="wrap">
          <MultiSelect
            label="Services"
            placeholder={services.length ? undefined : 'All services'}
            data={(project?.services ?? []).map((s) => s.name)}
            value={services}
            onChange={setServices}
            clearable
            w={240}
            size="xs"
          />
          <Select
            label="Deployment"
            placeholder="All deployments"
            data={(history.data ?? []).map((r) => ({ value: r.id, label: `${localTime(r.startedAt)} · ${r.outcome}` }))}
            value={deploymentId}
            onChange={setDeploymentId}
            clearable
            w={240}
            size="xs"
          />
          <Switch label="Build output" checked={includeBuilds} onChange={(e) => setIncludeBuilds(e.currentTarget.checked)} size="xs" />
          <Tooltip label="Container starts and stops, failed health checks, rollouts (from ECS)">
            <Switch label="Service events" checked={includeEvents} onChange={(e) => setIncludeEvents(e.currentTarget.checked)} size="xs" />
          </Tooltip>
        </Group>
        <Group gap="sm" mt="sm" align="flex-end" wrap="wrap">
          <TextInput
            label="Search"
            placeholder="Find in lines"
            leftSection={<IconSearch size={14} />}
            value={searchInput}
            onChange={(e) => setSearchInput(e.currentTarget.value)}
            w={260}
            size="xs"
          />
          <Switch label="Only matching lines" checked={onlyMatching} onChange={(e) => setOnlyMatching(e.currentTarget.checked)} size="xs" disabled={!searchInput} />
          <Group gap={6} ml="auto">
            <Button
              size="xs"
              variant={paused ? 'filled' : 'default'}
              leftSection={paused ? <IconPlayerPlay size={14} /> : <IconPlayerPause size={14} />}
              onClick={() => setPaused((p) => !p)}
            >
              {paused ? `Resume${tail.held ? ` (${tail.held.toLocaleString()} new)` : ''}` : 'Pause'}
            </Button>
            <Button size="xs" variant={follow ? 'light' : 'default'} leftSection={<IconArrowDown size={14} />} onClick={() => setFollow(true)} aria-pressed={follow}>
              Follow newest
            </Button>
            <Button size="xs" variant="default" leftSection={<IconCopy size={14} />} onClick={() => void copy()}>
              Copy
            </Button>
            <Button
              size="xs"
              variant="default"
              leftSection={<IconDownload size={14} />}
              onClick={() => saveText(`${project?.name ?? 'logs'}-${new Date().toISOString().replace(/[:.]/g, '-')}.log`, shownText())}
            >
              Save
            </Button>
          </Group>
        </Group>
      </Card>
      <ErrorAlert error={tail.error ?? loaded.error} title="Could not read the logs" />
      <Group gap="xs">
        <Badge color={status.color} variant="dot" data-testid="log-status">
          {paused ? 'paused' : status.label}
        </Badge>
        <LogCount buffer={buffer} search={search} onlyMatching={onlyMatching} />
        <Text size="xs" c="dimmed">
          · times in your local time
        </Text>
      </Group>
      <LogView buffer={buffer} search={search} onlyMatching={onlyMatching} follow={follow && !paused} onFollowChange={setFollow} height="calc(100vh - 330px)" />
    </>
  );
}

export function LogsScreen() {
  const { dir } = useCurrentProject();
  if (!dir) return <NoProject title="Logs" />;
  return (
    <Screen title="Logs" intro="What the services print, live. Build output and service events can be mixed in.">
      <NeedsConnection what="Reading logs">
        <LogsBody dir={dir} />
      </NeedsConnection>
    </Screen>
  );
}
