/**
 * "Being deployed by … since …, phase …": a deployment of this project that runs elsewhere (another
 * machine, a terminal), read from the bucket. One that stopped reporting can be taken over once
 * the user types the project's name.
 */
import { Alert, Button, Group, Stack, Text, TextInput } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { HolderView } from '../../../../shared/domain/deploy';
import { api } from '../../api';
import { localTime } from '../../ui/words';

/** The holder of the project's deployment, polled while the screen is open. */
export function useHolder(dir: string) {
  return useQuery({ queryKey: ['deploy:holder', dir], queryFn: () => api['deploy:holder']({ dir }), refetchInterval: 15_000 });
}

export function HolderAlert({ view, project, onTakeOver, busy }: { view: HolderView; project: string; onTakeOver?: (typed: string) => void; busy?: boolean }) {
  const [typed, setTyped] = useState('');
  const h = view.holder;
  return (
    <Alert color={view.stale ? 'orange' : 'blue'} title={view.stale ? 'A deployment elsewhere stopped reporting' : 'Being deployed elsewhere'} role="status" data-testid="deploy-holder">
      <Stack gap="xs">
        <Text size="sm">
          {project} is being deployed by <strong>{h.identityArn}</strong> on <strong>{h.host}</strong> (Berth {h.berthVersion}) since {localTime(h.startedAt)}, phase <strong>{h.phase}</strong>.
          {view.stale ? ` It has not reported for ${view.silentMinutes} minutes: its terminal or app was probably closed.` : ' Wait for it to finish before deploying from here.'}
        </Text>
        {view.stale && onTakeOver && (
          <Group align="flex-end">
            <TextInput label={`Type ${project} to take over`} description="Only if you are sure it no longer runs: your deployment replaces it and records that you took over." value={typed} onChange={(e) => setTyped(e.currentTarget.value)} w={360} />
            <Button color="orange" disabled={typed !== project} loading={busy} onClick={() => onTakeOver(typed)}>
              Take over and deploy
            </Button>
          </Group>
        )}
      </Stack>
    </Alert>
  );
}
