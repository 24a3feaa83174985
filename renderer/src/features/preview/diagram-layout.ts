/**
 * Lays out the plan's architecture graph with dagre (layered, top to bottom: internet → load
 * balancer → services → stores). dagre is loaded on first use so it stays out of the start-up bundle.
 */
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
  /** Where the layout placed the label (top-left), when the edge has one. */
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

type Dagre = typeof import('@dagrejs/dagre');
let dagrePromise: Promise<Dagre> | null = null;
function loadDagre(): Promise<Dagre> {
  dagrePromise ??= import('@dagrejs/dagre');
  return dagrePromise;
}

/** Places every node and routes every edge; edges to unknown nodes are dropped. */
export async function layoutGraph(graph: ArchitectureGraph): Promise<DiagramLayout> {
  const ids = new Set(graph.nodes.map((n) => n.id));
  const edges = graph.edges.filter((e) => ids.has(e.from) && ids.has(e.to) && e.from !== e.to);
  const dagre = await loadDagre();
  // A multigraph: a service can both use a store's DNS name and read secrets from the same place.
  const g = new dagre.graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: 'TB', ranksep: 44, nodesep: 36, edgesep: 18, marginx: 12, marginy: 12, ranker: 'network-simplex' });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of graph.nodes) g.setNode(n.id, { width: nodeWidth(n), height: NODE_HEIGHT });
  edges.forEach((e, i) => {
    const label = e.label ? { width: shortLabel(e.label).length * LABEL_CHAR_WIDTH + 6, height: LABEL_HEIGHT, labelpos: 'c' as const } : {};
    g.setEdge(e.from, e.to, label, `e${i}`);
  });
  dagre.layout(g);
  const size = g.graph();
  return {
    width: size.width ?? 0,
    height: size.height ?? 0,
    // dagre gives centres; the drawing wants top-left corners.
    nodes: graph.nodes.map((n) => {
      const p = g.node(n.id);
      const width = p?.width ?? NODE_WIDTH;
      const height = p?.height ?? NODE_HEIGHT;
      return { ...n, x: (p?.x ?? 0) - width / 2, y: (p?.y ?? 0) - height / 2, width, height };
    }),
    edges: edges.map((e, i) => {
      const routed = g.edge({ v: e.from, w: e.to, name: `e${i}` });
      const points = (routed?.points ?? []).map((p: { x: number; y: number }) => ({ x: p.x, y: p.y }));
      const labelBox =
        e.label && routed?.x !== undefined && routed.y !== undefined && routed.width !== undefined && routed.height !== undefined
          ? { x: routed.x - routed.width / 2, y: routed.y - routed.height / 2, width: routed.width, height: routed.height }
          : undefined;
      return { ...e, id: `e${i}`, points, labelBox };
    }),
  };
}
