/** Services at a glance: what runs, from which image or build, on which ports, how big. */
import { Badge, Group, Table, Text, Tooltip } from '@mantine/core';
import type { ProjectModel, ServiceModel } from '../../../../shared/domain/project';
import { relativeTo } from '../../ui/words';

/** "0.25 vCPU · 512 MB". */
export function sizeWords(size: { cpu: number; memory: number }): string {
  const memory = size.memory >= 1024 ? `${+(size.memory / 1024).toFixed(1)} GB` : `${size.memory} MB`;
  return `${+(size.cpu / 1024).toFixed(2)} vCPU · ${memory}`;
}

function Ports({ service }: { service: ServiceModel }) {
  if (service.ports.length === 0) return <Text size="sm" c="dimmed">none</Text>;
  return (
    <Group gap={4}>
      {service.ports.map((p, i) => (
        <Tooltip
          key={i}
          label={p.mode === 'ingress' ? 'Reachable from the internet through the load balancer' : 'Reachable only by the project’s other services'}
        >
          <Badge variant="light" color={p.mode === 'ingress' ? 'indigo' : 'gray'} tabIndex={0}>
            {p.mode === 'ingress' ? 'public' : 'private'} {p.published && p.published !== p.target ? `${p.published}→${p.target}` : p.target}
            {p.protocol === 'udp' ? '/udp' : ''}
          </Badge>
        </Tooltip>
      ))}
    </Group>
  );
}

function Source({ service, dir }: { service: ServiceModel; dir: string }) {
  if (service.managed) {
    const label = service.managed.kind === 'postgres' ? `Managed Postgres ${service.managed.version}` : `Managed Redis ${service.managed.version}`;
    const aws = service.managed.kind === 'postgres' ? 'Amazon RDS for PostgreSQL' : 'Amazon ElastiCache';
    return (
      <Tooltip label={`${aws}: AWS runs and backs up the database; it is not a container`}>
        <Badge color="teal" variant="light" tabIndex={0}>
          {label}
        </Badge>
      </Tooltip>
    );
  }
  if (service.build) {
    // A Railpack build has no Dockerfile; its `dockerfile` is the plan file, not worth showing.
    const railpack = service.build.builder === 'railpack';
    return (
      <Text size="sm">
        {railpack ? `Built with Railpack${service.build.railpack ? ` (${service.build.railpack.provider})` : ''} from ` : 'Built from '}
        <code>{relativeTo(dir, service.build.context) || '.'}</code>
        {!railpack && service.build.dockerfile !== 'Dockerfile' ? (
          <>
            {' '}
            (<code>{service.build.dockerfile}</code>)
          </>
        ) : null}
      </Text>
    );
  }
  return (
    <Text size="sm" ff="monospace">
      {service.image}
    </Text>
  );
}

export function ServicesTable({ project }: { project: ProjectModel }) {
  return (
    <Table aria-label="Services" verticalSpacing={6} highlightOnHover>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Service</Table.Th>
          <Table.Th>Runs</Table.Th>
          <Table.Th>Ports</Table.Th>
          <Table.Th>Size</Table.Th>
          <Table.Th>Copies</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {project.services.map((s) => (
          <Table.Tr key={s.name}>
            <Table.Td>
              <Text fw={600} size="sm">
                {s.name}
              </Text>
            </Table.Td>
            <Table.Td>
              <Source service={s} dir={project.dir} />
            </Table.Td>
            <Table.Td>
              <Ports service={s} />
            </Table.Td>
            <Table.Td>
              {s.managed ? (
                <Text size="sm" c="dimmed">
                  set by mode
                </Text>
              ) : (
                <Tooltip label={`Fargate task size: ${s.size.cpu} CPU units, ${s.size.memory} MiB`}>
                  <Text size="sm" tabIndex={0}>
                    {sizeWords(s.size)}
                  </Text>
                </Tooltip>
              )}
            </Table.Td>
            <Table.Td>
              <Text size="sm">{s.managed ? '—' : s.replicas}</Text>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
