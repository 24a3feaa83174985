/**
 * The DNS records a deployment waits for: a certificate whose domain's DNS is served outside the
 * account stays pending until its validation CNAME exists. Shown while it waits, with copy buttons.
 */
import { Alert, Button, Code, CopyButton, Group, Stack, Table, Text } from '@mantine/core';
import { IconWorldWww } from '@tabler/icons-react';
import { recordDomain, validationRecordOf, type ValidationRecord } from '../../../../shared/domain/certificates';
import type { StackEvent } from '../../../../shared/domain/deploy';

/** Certificates still in progress whose event named a record (events come newest first). */
export function pendingRecords(events: readonly StackEvent[]): { logicalId: string; domain: string; record: ValidationRecord }[] {
  const out: { logicalId: string; domain: string; record: ValidationRecord }[] = [];
  const seen = new Set<string>();
  for (const e of events) {
    if (e.type !== 'AWS::CertificateManager::Certificate' || seen.has(e.logicalId)) continue;
    seen.add(e.logicalId);
    if (!e.status.endsWith('_IN_PROGRESS')) continue;
    const named = events.find((x) => x.logicalId === e.logicalId && validationRecordOf(x.reason));
    const record = named && validationRecordOf(named.reason);
    if (record) out.push({ logicalId: e.logicalId, domain: recordDomain(record), record });
  }
  return out;
}

function Copyable({ value, label }: { value: string; label: string }) {
  return (
    <Group gap={4} wrap="nowrap">
      <Code style={{ wordBreak: 'break-all' }}>{value}</Code>
      <CopyButton value={value}>
        {({ copied, copy }) => (
          <Button size="compact-xs" variant="subtle" onClick={copy} aria-label={`Copy the ${label}`}>
            {copied ? 'Copied' : 'Copy'}
          </Button>
        )}
      </CopyButton>
    </Group>
  );
}

export function DnsRecords({ events }: { events: readonly StackEvent[] }) {
  const pending = pendingRecords(events);
  if (pending.length === 0) return null;
  return (
    <Stack gap="sm">
      {pending.map((p) => (
        <Alert key={p.logicalId} color="orange" icon={<IconWorldWww size={20} />} title={`Add this DNS record for ${p.domain}`} role="status" aria-label={`DNS record for ${p.domain}`}>
          <Stack gap="xs">
            <Text size="sm">
              HTTPS for {p.domain} waits for its certificate, and the certificate waits for this record. Add it where {p.domain}’s DNS is served (your registrar or DNS
              provider). The deployment carries on by itself once AWS sees it, usually within minutes; AWS gives up after 72 hours.
            </Text>
            <Table verticalSpacing={4} aria-label={`Record to add for ${p.domain}`}>
              <Table.Tbody>
                <Table.Tr>
                  <Table.Th w={70}>Name</Table.Th>
                  <Table.Td>
                    <Copyable value={p.record.name} label="record name" />
                  </Table.Td>
                </Table.Tr>
                <Table.Tr>
                  <Table.Th>Type</Table.Th>
                  <Table.Td>
                    <Code>{p.record.type}</Code>
                  </Table.Td>
                </Table.Tr>
                <Table.Tr>
                  <Table.Th>Value</Table.Th>
                  <Table.Td>
                    <Copyable value={p.record.value} label="record value" />
                  </Table.Td>
                </Table.Tr>
              </Table.Tbody>
            </Table>
          </Stack>
        </Alert>
      ))}
    </Stack>
  );
}
