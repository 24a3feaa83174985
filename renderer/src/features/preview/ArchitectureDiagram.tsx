/** The architecture as a picture: boxes for what runs, arrows for traffic, DNS and secrets. */
import { Group, Loader, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import type { ArchitectureGraph, GraphNode } from '../../../../shared/domain/plan';
import { ErrorAlert } from '../../ui/ErrorAlert';
import { layoutGraph, shortLabel, type PlacedEdge, type PlacedNode } from './diagram-layout';

const KIND: Record<GraphNode['kind'], { color: string; word: string; aws: string }> = {
  internet: { color: 'gray', word: 'Internet', aws: 'Public internet' },
  alb: { color: 'indigo', word: 'Load balancer', aws: 'Application Load Balancer (ELBv2)' },
  service: { color: 'blue', word: 'Service', aws: 'ECS service on Fargate' },
  'gpu-service': { color: 'green', word: 'GPU service', aws: 'ECS service on EC2 GPU instances' },
  postgres: { color: 'teal', word: 'Postgres database', aws: 'Amazon RDS for PostgreSQL' },
  redis: { color: 'red', word: 'Redis', aws: 'Amazon ElastiCache' },
  namespace: { color: 'violet', word: 'Private DNS', aws: 'Cloud Map private DNS namespace' },
  secrets: { color: 'yellow', word: 'Secrets', aws: 'SSM Parameter Store (SecureString)' },
  bedrock: { color: 'orange', word: 'Models', aws: 'Amazon Bedrock, billed per token' },
};

const EDGE_STYLE: Record<PlacedEdge['kind'], { dash?: string; color: string; word: string }> = {
  traffic: { color: 'var(--mantine-color-indigo-outline)', word: 'traffic' },
  dns: { dash: '6 4', color: 'var(--mantine-color-violet-outline)', word: 'name lookup' },
  secrets: { dash: '2 4', color: 'var(--mantine-color-yellow-outline)', word: 'reads secrets' },
};

function truncate(text: string, max: number): string {
  return text.length > max ? text.slice(0, max - 1) + '…' : text;
}

function Node({ node }: { node: PlacedNode }) {
  const kind = KIND[node.kind];
  return (
    <g transform={`translate(${node.x},${node.y})`} data-node-kind={node.kind} data-testid="diagram-node">
      <title>{`${node.label} — ${kind.word} (${kind.aws})${node.detail ? `\n${node.detail}` : ''}`}</title>
      <rect
        width={node.width}
        height={node.height}
        rx={node.kind === 'internet' ? node.height / 2 : 8}
        fill={`var(--mantine-color-${kind.color}-light)`}
        stroke={`var(--mantine-color-${kind.color}-outline)`}
        strokeWidth={1.5}
      />
      <text x={12} y={18} fontSize={10} fill={`var(--mantine-color-${kind.color}-light-color)`} style={{ textTransform: 'uppercase', letterSpacing: 0.5 }}>
        {kind.word}
      </text>
      <text x={12} y={36} fontSize={14} fontWeight={600} fill="var(--mantine-color-text)">
        {truncate(node.label, Math.floor((node.width - 24) / 8.4))}
      </text>
      {node.detail && (
        <text x={12} y={51} fontSize={10.5} fill="var(--mantine-color-dimmed)">
          {truncate(node.detail, Math.floor((node.width - 24) / 6))}
        </text>
      )}
    </g>
  );
}

function Edge({ edge }: { edge: PlacedEdge }) {
  if (edge.points.length < 2) return null;
  const style = EDGE_STYLE[edge.kind];
  const d = edge.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x},${p.y}`).join(' ');
  return (
    <g data-edge-kind={edge.kind}>
      <path d={d} fill="none" stroke={style.color} strokeWidth={1.6} strokeDasharray={style.dash} markerEnd={`url(#arrow-${edge.kind})`} />
      {edge.label && edge.labelBox && (
        <text
          x={edge.labelBox.x + edge.labelBox.width / 2}
          y={edge.labelBox.y + edge.labelBox.height - 3}
          fontSize={10}
          textAnchor="middle"
          fill="var(--mantine-color-dimmed)"
          paintOrder="stroke"
          stroke="var(--mantine-color-body)"
          strokeWidth={3}
        >
          <title>{edge.label}</title>
          {shortLabel(edge.label)}
        </text>
      )}
    </g>
  );
}

/** Describes the diagram in sentences for screen readers. */
function describe(graph: ArchitectureGraph): string {
  const label = new Map(graph.nodes.map((n) => [n.id, n.label]));
  return graph.edges.map((e) => `${label.get(e.from)} → ${label.get(e.to)} (${EDGE_STYLE[e.kind].word}${e.label ? `, ${e.label}` : ''})`).join('; ');
}

export function ArchitectureDiagram({ graph }: { graph: ArchitectureGraph }) {
  const layout = useQuery({ queryKey: ['diagram-layout', graph], queryFn: () => layoutGraph(graph), staleTime: Infinity });
  if (layout.isPending) return <Loader size="sm" aria-label="Drawing the diagram" />;
  if (layout.error) return <ErrorAlert error={layout.error} title="Could not draw the diagram" />;
  const { width, height, nodes, edges } = layout.data;
  return (
    <div>
      <div style={{ overflowX: 'auto' }}>
        <svg
          role="img"
          aria-labelledby="diagram-title diagram-desc"
          width={width}
          height={height}
          viewBox={`0 0 ${width} ${height}`}
          style={{ display: 'block', maxWidth: '100%', height: 'auto', margin: '0 auto' }}
          data-testid="architecture-diagram"
        >
          <title id="diagram-title">Architecture diagram</title>
          <desc id="diagram-desc">{describe(graph)}</desc>
          <defs>
            {(Object.keys(EDGE_STYLE) as PlacedEdge['kind'][]).map((k) => (
              <marker key={k} id={`arrow-${k}`} viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                <path d="M0,0 L10,5 L0,10 z" fill={EDGE_STYLE[k].color} />
              </marker>
            ))}
          </defs>
          {edges.map((e) => (
            <Edge key={e.id} edge={e} />
          ))}
          {nodes.map((n) => (
            <Node key={n.id} node={n} />
          ))}
        </svg>
      </div>
      <Group gap="lg" mt="xs" aria-hidden>
        {(Object.keys(EDGE_STYLE) as PlacedEdge['kind'][]).map((k) => (
          <Group key={k} gap={6}>
            <svg width={28} height={8}>
              <line x1={0} y1={4} x2={28} y2={4} stroke={EDGE_STYLE[k].color} strokeWidth={2} strokeDasharray={EDGE_STYLE[k].dash} />
            </svg>
            <Text size="xs" c="dimmed">
              {EDGE_STYLE[k].word}
            </Text>
          </Group>
        ))}
      </Group>
    </div>
  );
}
