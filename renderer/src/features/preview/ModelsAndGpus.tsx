/** The Bedrock models the project invokes (with per-token prices) and the GPU instances its GPU services run on. */
import { Alert, Badge, Code, Stack, Table, Text } from '@mantine/core';
import { bedrockModel } from '../../../../shared/domain/models';
import type { GpuPlan, GpuQuotaCheck, ModelAccessCheck, ModelPlan } from '../../../../shared/domain/plan';

function usd(value: number): string {
  return `$${value < 0.001 ? value.toPrecision(2) : String(Number(value.toFixed(5)))}`;
}

export function ModelsTable({ models, configModels, access }: { models: ModelPlan[]; configModels: { service: string; variables: string[] }[]; access?: ModelAccessCheck }) {
  return (
    <Stack gap={6}>
      {access?.problems.map((p) => (
        <Alert key={p.model} color="red" title={`${p.services.join(', ')}: this account cannot use ${bedrockModel(p.model)?.name ?? p.model} yet`} data-testid="model-access-problem">
          <Text size="sm">{p.reason}</Text>
          <Text size="sm" mt={4}>
            {p.fix}
          </Text>
        </Alert>
      ))}
      {access?.note && (
        <Text size="xs" c="orange">
          {access.note}
        </Text>
      )}
      {access && access.problems.length === 0 && access.checked.length > 0 && (
        <Text size="xs" c="teal" data-testid="model-access-ok">
          This account may use {access.checked.length === 1 ? 'this model' : `all ${access.checked.length} models`} in {access.region}.
        </Text>
      )}
      <Table aria-label="Models" verticalSpacing={4}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Service</Table.Th>
            <Table.Th>Asked for as</Table.Th>
            <Table.Th>Amazon Bedrock model</Table.Th>
            <Table.Th>Invoked as</Table.Th>
            <Table.Th>Per 1,000 tokens (in / out)</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {models.map((m) => (
            <Table.Tr key={`${m.service}/${m.model}`} data-model={m.model}>
              <Table.Td>
                <Text size="sm" fw={500}>
                  {m.service}
                </Text>
                {m.gateway && (
                  <Badge size="xs" variant="light" title="An OpenAI-compatible API at this service’s name, port 80 (/v1 and /api/v1)">
                    gateway
                  </Badge>
                )}
              </Table.Td>
              <Table.Td>
                <Text size="sm">{m.names.join(', ')}</Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm">
                  {m.modelName} ({m.provider}, {m.kind})
                </Text>
                {m.marketplace && (
                  <Text size="xs" c="dimmed">
                    Sold through AWS Marketplace: the account’s first call subscribes it
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                <Code>{m.invokeId}</Code>
              </Table.Td>
              <Table.Td>
                <Text size="sm">
                  {usd(m.pricePer1k.input)} / {m.kind === 'embedding' ? '—' : usd(m.pricePer1k.output)}
                </Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {configModels.map((c) => (
        <Text key={c.service} size="sm">
          {c.service} names its model in the config value{c.variables.length === 1 ? '' : 's'} {c.variables.join(', ')}: Berth checks it is a Bedrock model and grants exactly that one at deploy.
        </Text>
      ))}
      <Text size="xs" c="dimmed">
        Each service’s role may invoke only these models. Tokens are billed as they are used (us-east-1 list prices{models[0] ? ` of ${models[0].priceDate}` : ''}, an
        estimate); before deploying, Berth checks the account may use each model.
      </Text>
    </Stack>
  );
}

export function GpuTable({ gpus, quota }: { gpus: GpuPlan[]; quota?: GpuQuotaCheck }) {
  return (
    <Stack gap={6}>
      {quota && !quota.ok && (
        <Alert color="red" title="Not enough GPU quota" data-testid="gpu-quota-short">
          <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
            {quota.message}
          </Text>
        </Alert>
      )}
      {quota?.note && (
        <Text size="xs" c="orange">
          {quota.note}
        </Text>
      )}
      {quota?.ok && quota.limit !== undefined && (
        <Text size="xs" c="teal" data-testid="gpu-quota-ok">
          {quota.inUse
            ? `They fit your quota: ${quota.needed} vCPUs, with ${quota.inUse} already used by G and VT instances outside this project, of ${quota.limit} in ${quota.region}.`
            : `They fit your quota: ${quota.needed} of ${quota.limit} vCPUs in ${quota.region}.`}
        </Text>
      )}
      <Table aria-label="GPU instances" verticalSpacing={4}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Service</Table.Th>
            <Table.Th>Instance</Table.Th>
            <Table.Th>Instances</Table.Th>
            <Table.Th>On-demand price</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {gpus.map((g) => (
            <Table.Tr key={g.service} data-instance-type={g.instanceType}>
              <Table.Td>
                <Text size="sm" fw={500}>
                  {g.service}
                </Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm">
                  <Code>{g.instanceType}</Code> — {g.gpus} × {g.gpuModel}, {g.vcpus} vCPU, {g.memoryGiB} GiB
                </Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm">{g.instances}</Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm">
                  ${g.hourlyUsd}/h each · ${g.monthlyUsd.toFixed(2)} a month
                </Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Text size="xs" c="dimmed">
        GPU services run on ECS GPU instances (the ECS GPU-optimised AMI) in the project’s private subnets; everything else stays on Fargate. They need{' '}
        {gpus.reduce((n, g) => n + g.quota.vcpus, 0)} vCPUs of the account’s “{gpus[0]?.quota.name}” quota ({gpus[0]?.quota.quotaCode}), which Berth checks before deploying.
      </Text>
    </Stack>
  );
}
