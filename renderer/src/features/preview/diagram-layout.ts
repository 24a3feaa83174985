/**
 * Lays out the plan's architecture graph with ELK (layered, top to bottom: internet → load
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
  /** Where ELK placed the label (top-left), when the edge has one. */
  labelBox?: { x: number; y: number; width: number; height: number };
}

const LABEL_CHAR_WIDTH = 6.2;
/** Edge labels longer than this are shortened in the picture (the full text is on hover). */
export const MAX_LABEL_CHARS = 20;

/** An edge label as drawn. */
export function shortLabel(label: string): string {
  return label.length > MAX_LABEL_CHARS ? label.slice(0, MAX_LABEL_CHARS - 1) + '…' : label;
}
const LABEL_HEIGHT = 14;

/** Node width that fits its label (bold 14px) and detail line, within bounds. */
export function nodeWidth(node: GraphNode): number {
  const label = node.label.length * 8.6 + 28;
  const detail = (node.detail?.length ?? 0) * 6.2 + 28;
  return Math.round(Math.min(280, Math.max(NODE_WIDTH - 20, label, Math.min(detail, 240))));
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
      'elk.direction': 'DOWN',
      'elk.edgeRouting': 'ORTHOGONAL',
      'elk.layered.spacing.nodeNodeBetweenLayers': '44',
      'elk.spacing.nodeNode': '36',
      'elk.spacing.edgeNode': '18',
      'elk.padding': '[top=12,left=12,bottom=12,right=12]',
      'elk.layered.nodePlacement.strategy': 'NETWORK_SIMPLEX',
      'elk.edgeLabels.placement': 'CENTER',
      'elk.layered.edgeLabels.sideSelection': 'ALWAYS_UP',
      'elk.spacing.edgeLabel': '3',
    },
    children: graph.nodes.map((n) => ({
      id: n.id,
      width: nodeWidth(n),
      height: NODE_HEIGHT,
      layoutOptions: { 'elk.layered.layering.layerConstraint': LAYER_HINT[n.kind] },
    })),
    edges: edges.map(
      (e, i): ElkExtendedEdge => ({
        id: `e${i}`,
        sources: [e.from],
        targets: [e.to],
        labels: e.label ? [{ id: `e${i}-label`, text: e.label, width: shortLabel(e.label).length * LABEL_CHAR_WIDTH + 6, height: LABEL_HEIGHT }] : [],
      }),
    ),
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
      const label = routed?.labels?.[0];
      const labelBox =
        label && label.x !== undefined && label.y !== undefined ? { x: label.x, y: label.y, width: label.width ?? 0, height: label.height ?? LABEL_HEIGHT } : undefined;
      return { ...e, id: `e${i}`, points, labelBox };
    }),
  };
}
