/**
 * Lays out the plan's architecture graph with ELK (layered, left to right: internet → load
 * balancer → services → stores). ELK is loaded on first use so it stays out of the start-up bundle.
 */
import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api';
import type { ArchitectureGraph, GraphEdge, GraphNode } from '../../../../shared/domain/plan';

export const NODE_WIDTH = 188;
export const NODE_HEIGHT = 58;

export interface PlacedNode extends GraphNode {
  x: number;
  y: number;
  width: number;
  height: number;
}
export interface PlacedEdge extends GraphEdge {
  id: string;
  points: { x: number; y: number }[];
}
export interface DiagramLayout {
  width: number;
  height: number;
  nodes: PlacedNode[];
  edges: PlacedEdge[];
}

// Keeps the reading order stable: where traffic enters on the left, stores on the right.
const LAYER_HINT: Record<GraphNode['kind'], string> = {
  internet: 'FIRST',
  alb: 'NONE',
  service: 'NONE',
  postgres: 'NONE',
  redis: 'NONE',
  namespace: 'NONE',
  secrets: 'NONE',
};

let elkPromise: Promise<{ layout(graph: ElkNode): Promise<ElkNode> }> | null = null;
function loadElk() {
  elkPromise ??= import('elkjs/lib/elk.bundled.js').then((m) => new m.default());
  return elkPromise;
}

/** Places every node and routes every edge; edges to unknown nodes are dropped. */
export async function layoutGraph(graph: ArchitectureGraph): Promise<DiagramLayout> {
  const ids = new Set(graph.nodes.map((n) => n.id));
  const edges = graph.edges.filter((e) => ids.has(e.from) && ids.has(e.to) && e.from !== e.to);
  const elk = await loadElk();
  const input: ElkNode = {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.edgeRouting': 'ORTHOGONAL',
      'elk.layered.spacing.nodeNodeBetweenLayers': '70',
      'elk.spacing.nodeNode': '28',
      'elk.spacing.edgeNode': '18',
      'elk.padding': '[top=12,left=12,bottom=12,right=12]',
      'elk.layered.nodePlacement.strategy': 'NETWORK_SIMPLEX',
    },
    children: graph.nodes.map((n) => ({
      id: n.id,
      width: NODE_WIDTH,
      height: NODE_HEIGHT,
      layoutOptions: { 'elk.layered.layering.layerConstraint': LAYER_HINT[n.kind] },
    })),
    edges: edges.map((e, i): ElkExtendedEdge => ({ id: `e${i}`, sources: [e.from], targets: [e.to] })),
  };
  const out = await elk.layout(input);
  const placed = new Map((out.children ?? []).map((c) => [c.id, c]));
  return {
    width: out.width ?? 0,
    height: out.height ?? 0,
    nodes: graph.nodes.map((n) => {
      const p = placed.get(n.id);
      return { ...n, x: p?.x ?? 0, y: p?.y ?? 0, width: p?.width ?? NODE_WIDTH, height: p?.height ?? NODE_HEIGHT };
    }),
    edges: edges.map((e, i) => {
      const routed = (out.edges ?? []).find((r) => r.id === `e${i}`) as ElkExtendedEdge | undefined;
      const section = routed?.sections?.[0];
      const points = section ? [section.startPoint, ...(section.bendPoints ?? []), section.endPoint] : [];
      return { ...e, id: `e${i}`, points };
    }),
  };
}
