/** One place that turns main's events into query-cache and store updates, mounted once by the frame. */
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import type { ConnectionStatus } from '../../../shared/domain/connection';
import { api, onReconnect } from '../api';
import { deployStore } from '../features/deploy/deploy-store';
import { baseName, durationWords } from '../ui/words';
import { CONNECTION_KEY } from './connection';
import { useEvent } from './events';
import { projectKey } from './project-data';

const OUTCOME_WORDS = { succeeded: 'deployed', failed: 'failed to deploy', cancelled: 'deployment cancelled', 'nothing-to-change': 'already up to date', running: 'deploying' } as const;

function shorten(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Subscribes to connection, project, sandbox and deploy events for the whole app. */
export function useLiveUpdates(): void {
  const queryClient = useQueryClient();
  useEvent('connection:changed', (status) => {
    queryClient.setQueryData(CONNECTION_KEY, status);
    // Everything read through the old connection is stale now (projects and files are not).
    void queryClient.invalidateQueries({
      predicate: (q) => !['connection:status', 'project:open', 'app:info', 'project:recent', 'diagram-layout'].includes(String(q.queryKey[0])),
    });
  });
  useEvent('project:changed', (loaded) => {
    queryClient.setQueryData(projectKey(loaded.dir), loaded);
    void queryClient.invalidateQueries({ queryKey: ['plan:preview', loaded.dir] });
    void queryClient.invalidateQueries({ queryKey: ['secrets:list', loaded.dir] });
  });
  useEvent('sandbox:status', (status) => queryClient.setQueryData(['sandbox:status'], status));
  useEvent('deploy:event', (event) => deployStore.handle(event));
  // Main restarted (the app was relaunched, the bridge came back): connect again as before, then
  // re-read everything, which re-opens the project's watcher and re-attaches a running deploy.
  useEffect(
    () =>
      onReconnect(() => {
        deployStore.markStale();
        const before = queryClient.getQueryData<ConnectionStatus>(CONNECTION_KEY)?.target ?? null;
        void (async () => {
          let now: ConnectionStatus = { target: null, identity: null };
          try {
            now = await api['connection:status']({});
            if (!now.target && before) now = await api['connection:connect']({ target: before });
          } catch {
            // The old connection is gone for good (e.g. the sandbox stopped): the header says so.
          }
          queryClient.setQueryData(CONNECTION_KEY, now);
          await queryClient.invalidateQueries({ predicate: (q) => q.queryKey[0] !== CONNECTION_KEY[0] && q.queryKey[0] !== 'diagram-layout' });
        })();
      }),
    [queryClient],
  );
  // A deploy that ends while the user looks elsewhere still gets noticed.
  useEffect(
    () =>
      deployStore.onFinished((dir, record) => {
        const color = record.outcome === 'failed' ? 'red' : record.outcome === 'succeeded' ? 'green' : 'blue';
        notifications.show({
          color,
          title: `${record.project || baseName(dir)} ${OUTCOME_WORDS[record.outcome]}`,
          message: record.failure ? shorten(record.failure.message, 160) : `After ${durationWords(record.startedAt, record.finishedAt)}.`,
        });
      }),
    [],
  );
}
