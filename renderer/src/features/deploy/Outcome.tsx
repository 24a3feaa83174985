/** How a deployment ended: the addresses to open, or the first cause of failure in plain words. */
import { Alert, Button, Code, CopyButton, Group, Stack, Text } from '@mantine/core';
import { IconCircleCheck, IconCircleX, IconExternalLink } from '@tabler/icons-react';
import { NO_PUBLIC_ADDRESS, type DeploymentRecord } from '../../../../shared/domain/deploy';
import { openExternal } from '../../api';
import { navigate } from '../../app/routes';
import { ScrollRegion } from '../../ui/ScrollRegion';
import { durationWords, PHASE_WORDS, resourceWords } from '../../ui/words';

export function Urls({ urls }: { urls: string[] }) {
  if (urls.length === 0) {
    return (
      <Text size="sm" c="dimmed" data-testid="no-public-address">
        {NO_PUBLIC_ADDRESS}
      </Text>
    );
  }
  return (
    <Stack gap={6} role="group" aria-label="Public addresses">
      {urls.map((u) => {
        const https = u.startsWith('https://');
        return (
          <Group key={u} gap="xs" wrap="nowrap" align="flex-start">
            <Code fz="sm" data-testid="deployed-url" style={{ wordBreak: 'break-all', minWidth: 0 }}>
              {u}
            </Code>
            {https && (
              <Button size="compact-xs" variant="light" style={{ flexShrink: 0 }} rightSection={<IconExternalLink size={12} />} onClick={() => void openExternal(u)} aria-label={`Open ${u} in the browser`}>
                Open
              </Button>
            )}
            <CopyButton value={u}>
              {({ copied, copy }) => (
                <Button size="compact-xs" variant="subtle" style={{ flexShrink: 0 }} onClick={copy} aria-label={`Copy ${u}`}>
                  {copied ? 'Copied' : 'Copy'}
                </Button>
              )}
            </CopyButton>
          </Group>
        );
      })}
      {urls.some((u) => !u.startsWith('https://')) && (
        <Text size="xs" c="dimmed">
          Plain http addresses are not opened from the app; copy them into your browser. Set a <code>domainname</code> on the service to get HTTPS.
        </Text>
      )}
    </Stack>
  );
}

export function Outcome({ record }: { record: DeploymentRecord }) {
  const took = durationWords(record.startedAt, record.finishedAt);
  if (record.outcome === 'succeeded') {
    return (
      <Alert color="green" icon={<IconCircleCheck size={20} />} title={record.rollbackOf ? `Rolled back in ${took}` : `Deployed in ${took}`} role="status" data-testid="deploy-outcome" data-deployment-id={record.id}>
        <Stack gap="xs">
          <Text size="sm">Your services are running.{record.urls.length > 0 ? ' They answer at:' : ''}</Text>
          <Urls urls={record.urls} />
          <Group>
            <Button size="xs" variant="light" onClick={() => navigate('logs')}>
              Watch the logs
            </Button>
          </Group>
        </Stack>
      </Alert>
    );
  }
  if (record.outcome === 'nothing-to-change') {
    return (
      <Alert color="blue" icon={<IconCircleCheck size={20} />} title="Nothing to change" role="status" data-testid="deploy-outcome" data-deployment-id={record.id}>
        <Stack gap="xs">
          <Text size="sm">Everything in AWS already matches the project ({took}).</Text>
          <Urls urls={record.urls} />
        </Stack>
      </Alert>
    );
  }
  if (record.outcome === 'cancelled') {
    return (
      <Alert color="gray" title="Deployment cancelled" role="status" data-testid="deploy-outcome" data-deployment-id={record.id}>
        <Text size="sm">Stopped after {took}. What was already running keeps running.</Text>
      </Alert>
    );
  }
  if (record.outcome === 'running') return null;
  const f = record.failure;
  return (
    <Alert color="red" icon={<IconCircleX size={20} />} title={f ? `Failed while “${PHASE_WORDS[f.phase].label.toLowerCase()}”` : 'Deployment failed'} role="alert" data-testid="deploy-outcome" data-deployment-id={record.id}>
      <Stack gap="xs">
        <Text size="sm" fw={500} data-testid="failure-message" lineClamp={6} style={{ overflowWrap: 'anywhere' }}>
          {f?.message ?? 'The deployment did not finish.'}
        </Text>
        {f?.resource && (
          <Text size="sm">
            Resource: <b>{f.resource.includes('::') ? resourceWords(f.resource) : f.resource}</b>
          </Text>
        )}
        {f?.reason && (
          <Text size="sm" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
            Reason given by AWS: {f.reason}
          </Text>
        )}
        {f?.logLines && f.logLines.length > 0 && (
          <ScrollRegion label="Log lines around the failure" mah={220} follow={f.logLines}>
            <Code block fz="xs" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
              {f.logLines.join('\n')}
            </Code>
          </ScrollRegion>
        )}
        <Text size="xs" c="dimmed">
          Took {took}. Fix the cause and deploy again: Berth continues from what already exists.
        </Text>
      </Stack>
    </Alert>
  );
}
