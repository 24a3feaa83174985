/** The architecture graph the preview draws: internet, load balancer, services, stores, private DNS, secrets. */
import type { ArchitectureGraph, GraphEdge, GraphNode } from '../../shared/domain/plan';
import type { GpuReservation, ProjectModel } from '../../shared/domain/project';
import { gpuInstanceFor } from './gpu';
import { bedrockModel } from '../../shared/domain/models';
import type { IngressPlan } from './ingress';
import { namespaceName, privateHostName } from './names';

/** Node ids: `internet`, `alb`, `nlb`, `namespace`, `secrets`, and `service:<name>` for services and stores. */
export function serviceNodeId(service: string): string {
  return `service:${service}`;
}

/** Builds the graph; nodes and edges come out in a stable order. */
/** A GPU service's GPUs and the instance type it runs on (not a Fargate size). */
function gpuDetail(gpu: GpuReservation, replicas: number): string {
  const instance = gpuInstanceFor(gpu);
  // Short enough for a diagram node; the GPU table has the task's vCPU and memory.
  return `${gpu.count} GPU${gpu.count === 1 ? '' : 's'}, ${instance?.type ?? 'no instance type'} × ${replicas}`;
}

export function architectureGraph(project: ProjectModel, ingress: IngressPlan): ArchitectureGraph {
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const edgeKeys = new Set<string>();
  const edge = (e: GraphEdge) => {
    const key = `${e.from}|${e.to}|${e.kind}`;
    if (edgeKeys.has(key)) return;
    edgeKeys.add(key);
    edges.push(e);
  };
  const services = [...project.services].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  const network = ingress.network.listeners;
  if (ingress.listeners.length > 0 || network.length > 0) nodes.push({ id: 'internet', kind: 'internet', label: 'Internet' });
  if (ingress.listeners.length > 0) {
    nodes.push({ id: 'alb', kind: 'alb', label: 'Load balancer', detail: `ports ${ingress.listeners.map((l) => l.port).join(', ')}` });
    edge({ from: 'internet', to: 'alb', kind: 'traffic', label: ingress.listeners.map((l) => `${l.protocol === 'HTTPS' ? 'https' : 'http'}:${l.port}`).join(', ') });
  }
  if (network.length > 0) {
    // Drawn as a load balancer; its id and label tell it from the HTTP one.
    nodes.push({ id: 'nlb', kind: 'alb', label: 'Network load balancer', detail: `ports ${network.map((l) => l.port).join(', ')}` });
    edge({ from: 'internet', to: 'nlb', kind: 'traffic', label: network.map((l) => `${l.protocol === 'TCP_UDP' ? 'tcp+udp' : l.protocol.toLowerCase()}:${l.port}`).join(', ') });
  }
  nodes.push({ id: 'namespace', kind: 'namespace', label: namespaceName(project.name), detail: 'private DNS' });
  for (const s of services) {
    const kind = s.managed ? s.managed.kind : s.gpu ? 'gpu-service' : 'service';
    const detail = s.managed
      ? `${s.managed.kind === 'postgres' ? 'RDS PostgreSQL' : 'ElastiCache'} ${s.managed.version}`
      : s.gpu
        ? gpuDetail(s.gpu, s.replicas)
        : s.oneOff
          ? `runs once per deploy, ${s.size.cpu / 1024} vCPU`
          : `${s.size.cpu / 1024} vCPU, ${s.size.memory / 1024} GB × ${s.replicas}`;
    nodes.push({ id: serviceNodeId(s.name), kind, label: s.name, detail });
    // A one-off exits before anyone could call it: it gets no DNS name.
    if (!s.oneOff) edge({ from: serviceNodeId(s.name), to: 'namespace', kind: 'dns', label: privateHostName(project.name, s.name) });
  }
  for (const t of ingress.targetGroups) edge({ from: 'alb', to: serviceNodeId(t.service), kind: 'traffic', label: String(t.containerPort) });
  for (const t of ingress.network.targetGroups) edge({ from: 'nlb', to: serviceNodeId(t.service), kind: 'traffic', label: `${t.containerPort}/${t.protocol === 'TCP_UDP' ? 'tcp+udp' : t.protocol.toLowerCase()}` });

  const names = new Set(project.services.map((s) => s.name));
  // Traffic a service sends by name: to the service or store its settings name as a host.
  for (const r of [...project.hostReferences].sort((a, b) => `${a.service}|${a.host}`.localeCompare(`${b.service}|${b.host}`))) {
    const to = r.answer.kind === 'service' || r.answer.kind === 'store' ? r.answer.service : undefined;
    if (to && to !== r.service && names.has(to)) edge({ from: serviceNodeId(r.service), to: serviceNodeId(to), kind: 'traffic', label: r.variable ?? r.where });
  }
  for (const s of services) {
    for (const dep of [...s.dependsOn].sort()) {
      const oneOff = project.services.find((x) => x.name === dep)?.oneOff;
      if (names.has(dep) && dep !== s.name) edge({ from: serviceNodeId(s.name), to: serviceNodeId(dep), kind: 'traffic', ...(oneOff ? { label: 'waits for it to finish' } : {}) });
    }
  }

  // The models each service calls (a gateway's, or x-defang-llm's): one Amazon Bedrock node, an arrow per service.
  const modelUsers = services.filter((s) => s.llm && (s.llm.models.length > 0 || (s.llm.configModels ?? []).length > 0));
  if (modelUsers.length > 0) {
    const distinct = new Set(modelUsers.flatMap((s) => s.llm!.models.map((m) => m.model)));
    const configured = modelUsers.some((s) => (s.llm!.configModels ?? []).length > 0);
    nodes.push({ id: 'bedrock', kind: 'bedrock', label: 'Amazon Bedrock', detail: [distinct.size > 0 ? `${distinct.size} model${distinct.size === 1 ? '' : 's'}` : '', configured ? 'models from config' : ''].filter(Boolean).join(' + ') });
    for (const s of modelUsers) {
      const named = [...new Set(s.llm!.models.map((m) => bedrockModel(m.model)?.name ?? m.model))];
      const fromConfig = (s.llm!.configModels ?? []).map((v) => `${v} (config)`);
      edge({ from: serviceNodeId(s.name), to: 'bedrock', kind: 'traffic', label: [...named, ...fromConfig].join(', ') });
    }
  }

  const secretUsers = new Map<string, Set<string>>();
  for (const s of services) {
    if (s.managed) {
      if (s.managed.kind === 'postgres') secretUsers.set(s.name, new Set([s.managed.passwordConfig ?? 'POSTGRES_PASSWORD']));
      continue;
    }
    for (const value of Object.values(s.environment)) {
      if (value.kind === 'literal') continue;
      const set = secretUsers.get(s.name) ?? new Set<string>();
      for (const n of value.kind === 'config' ? [value.name] : value.names) set.add(n);
      secretUsers.set(s.name, set);
    }
    for (const file of s.secretFiles ?? []) secretUsers.set(s.name, new Set([...(secretUsers.get(s.name) ?? []), file.path]));
  }
  if (secretUsers.size > 0) {
    nodes.push({ id: 'secrets', kind: 'secrets', label: 'Secrets', detail: `SSM /Berth/${project.name}/` });
    for (const [service, set] of [...secretUsers.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
      edge({ from: 'secrets', to: serviceNodeId(service), kind: 'secrets', label: [...set].sort().join(', ') });
    }
  }
  return { nodes, edges };
}
