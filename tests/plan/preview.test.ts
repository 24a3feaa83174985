/** The preview people read before they pay: grouped resources, graph, config, how names resolve, URLs, costs. */
import { describe, expect, it } from 'vitest';
import { planProject } from '../../electron/plan/project';
import { config, literal, project, service, webWithStores, withDomains, workersOnly } from './fixtures';

describe('plan preview', () => {
  const preview = planProject(webWithStores(), { mode: 'balanced', region: 'eu-west-1', preflight: false });

  it('groups resources as shared (bootstrap and project) and per service, each described and explained', () => {
    const groups = new Set(preview.resources.map((r) => `${r.stack}:${r.group}`));
    expect([...groups].sort()).toEqual(['bootstrap:shared', 'project:cache', 'project:db', 'project:shared', 'project:web', 'project:worker']);
    for (const r of preview.resources) {
      expect(r.description.length, r.logicalId).toBeGreaterThan(5);
      expect(r.why.length, r.logicalId).toBeGreaterThan(5);
    }
    const count = preview.stacks.reduce((n, s) => n + s.resourceCount, 0);
    expect(preview.resources).toHaveLength(count);
    expect(preview.resources.find((r) => r.logicalId === 'DbDatabase')!.description).toContain('PostgreSQL 16');
  });

  it('draws internet → load balancer → services, stores, private DNS and secrets', () => {
    const nodes = preview.graph.nodes.map((n) => `${n.kind}:${n.id}`);
    expect(nodes).toEqual(['internet:internet', 'alb:alb', 'namespace:namespace', 'redis:service:cache', 'postgres:service:db', 'service:service:web', 'service:service:worker', 'secrets:secrets']);
    const edges = preview.graph.edges.map((e) => `${e.kind} ${e.from}→${e.to}`);
    expect(edges).toEqual(
      expect.arrayContaining([
        'traffic internet→alb',
        'traffic alb→service:web',
        'traffic service:web→service:db',
        'traffic service:worker→service:cache',
        'dns service:db→namespace',
        'secrets secrets→service:web',
        'secrets secrets→service:db',
      ]),
    );
    const ids = new Set(preview.graph.nodes.map((n) => n.id));
    for (const e of preview.graph.edges) expect(ids.has(e.from) && ids.has(e.to), `${e.from}→${e.to}`).toBe(true);
  });

  it('draws traffic from a service to the service or store its settings name, even without depends_on', () => {
    const proxied = project('edge', [
      service('api', { image: 'example/api:1', environment: { CACHE: literal('redis://cache:6379'), ELSEWHERE: literal('http://nowhere:80') } }),
      service('cache', { image: 'redis:7', managed: { kind: 'redis', version: '7', port: 6379 } }),
      service('proxy', { image: 'example/proxy:1', command: ['--upstream', 'http://api:8000'] }),
    ]);
    const graph = planProject(proxied, { mode: 'balanced', region: 'us-east-1', preflight: false }).graph;
    expect(graph.edges.filter((e) => e.kind === 'traffic')).toEqual([
      { from: 'service:api', to: 'service:cache', kind: 'traffic', label: 'CACHE' },
      { from: 'service:proxy', to: 'service:api', kind: 'traffic', label: 'command' },
    ]);
  });

  it('draws a GPU service with its GPUs and instance type, not a Fargate size', () => {
    const ai = project('vision', [service('infer', { image: 'example/infer:1', gpu: { count: 1, cpu: 2048, memory: 8192 }, replicas: 2 }), service('web', { image: 'example/web:1' })]);
    const nodes = planProject(ai, { mode: 'balanced', region: 'us-east-1', preflight: false }).graph.nodes;
    expect(nodes.find((n) => n.id === 'service:infer')!.detail).toBe('1 GPU, g4dn.xlarge × 2');
    expect(nodes.find((n) => n.id === 'service:web')!.detail).toMatch(/^0\.\d+ vCPU, /);
  });

  it('draws the models each service calls as arrows to one Amazon Bedrock node, and GPU services as their own kind', () => {
    const ai = project('studio', [
      service('chat', { image: 'example/gateway:1', llm: { models: [{ name: 'ai/claude3-haiku', model: 'anthropic.claude-3-haiku-20240307-v1:0' }, { name: 'default', model: 'anthropic.claude-3-haiku-20240307-v1:0' }] } }),
      service('agent', { image: 'example/agent:1', environment: { LLM_MODEL: config('LLM_MODEL') }, llm: { models: [{ name: 'nova-lite', model: 'amazon.nova-lite-v1:0' }], configModels: ['LLM_MODEL'] } }),
      service('vision', { image: 'example/vision:1', gpu: { count: 1, cpu: 1024, memory: 4096 } }),
    ]);
    const graph = planProject(ai, { mode: 'balanced', region: 'us-east-1', preflight: false }).graph;
    expect(graph.nodes.find((n) => n.id === 'bedrock')).toEqual({ id: 'bedrock', kind: 'bedrock', label: 'Amazon Bedrock', detail: '2 models + models from config' });
    expect(graph.edges.filter((e) => e.to === 'bedrock')).toEqual([
      { from: 'service:agent', to: 'bedrock', kind: 'traffic', label: 'Amazon Nova Lite, LLM_MODEL (config)' },
      { from: 'service:chat', to: 'bedrock', kind: 'traffic', label: 'Claude 3 Haiku' },
    ]);
    expect(graph.nodes.find((n) => n.id === 'service:vision')!.kind).toBe('gpu-service');
    // No models, no Bedrock node.
    expect(preview.graph.nodes.some((n) => n.kind === 'bedrock')).toBe(false);
  });

  it('lists the config each service needs and where it comes from, and what answers each host', () => {
    expect(preview.config.filter((c) => c.source !== 'literal')).toEqual([
      { service: 'db', variable: 'POSTGRES_PASSWORD', source: 'config', names: ['POSTGRES_PASSWORD'] },
      { service: 'web', variable: 'DATABASE_URL', source: 'derived', names: ['POSTGRES_PASSWORD'] },
      { service: 'web', variable: 'SECRET_KEY', source: 'config', names: ['SECRET_KEY'] },
    ]);
    expect(preview.hostReferences.map((r) => `${r.service} ${r.variable}: ${r.host} → ${r.answer.kind}`)).toEqual(['web DATABASE_URL: db → store', 'web REDIS_URL: cache → store', 'worker REDIS_URL: cache → store']);
    // The values are deployed as written: no host is rewritten.
    expect(preview.config.find((c) => c.variable === 'REDIS_URL')).toEqual({ service: 'web', variable: 'REDIS_URL', source: 'literal', names: [] });
  });

  it('shows the public URLs that will exist, HTTPS ones for domains', () => {
    expect(preview.urls).toEqual(['http://<load-balancer-dns> → web:8000']);
    const domains = planProject(withDomains(), { mode: 'balanced', region: 'us-east-1', preflight: false });
    expect(domains.urls).toEqual(['http://<load-balancer-dns>:3000 → app:3000', 'http://<load-balancer-dns>:50051 → api:50051', 'https://api.example.com → api:50051', 'https://app.example.com → app:3000']);
    expect(planProject(workersOnly(), { mode: 'balanced', region: 'us-east-1', preflight: false }).urls).toEqual([]);
  });

  it('prices all three modes for the region, labelled an estimate', () => {
    expect(preview.costs.map((c) => c.mode)).toEqual(['affordable', 'balanced', 'high_availability']);
    for (const c of preview.costs) expect(c).toEqual(expect.objectContaining({ estimate: true, region: 'eu-west-1', priceRegion: 'eu-west-1' }));
  });

  it('puts NAT gateways in the project’s own network in high availability, never in the shared bootstrap', () => {
    const ha = planProject(webWithStores(), { mode: 'high_availability', region: 'eu-west-1', preflight: false });
    expect(ha.stacks[0]!.template.Resources.NatGateway1).toBeUndefined();
    expect(ha.stacks[1]!.template.Resources.NatGateway1).toBeDefined();
    expect(preview.stacks[1]!.template.Resources.NatGateway1).toBeUndefined();
  });

  it('says how each built image is built: from its Dockerfile with BuildKit, or with Railpack and what it detected', () => {
    expect(preview.resources.find((r) => r.logicalId === 'WebTaskDefinition')!.why).toContain('How to run web: the image built from Dockerfile (BuildKit),');
    const railpack = project('py', [
      service('api', { build: { context: '/projects/py/api', builder: 'railpack', dockerfile: 'railpack-plan.json', railpack: { provider: 'Python', evidence: ['requirements.txt'] }, args: {}, platform: 'linux/amd64' } }),
      service('site', { build: { context: '/projects/py/site', builder: 'railpack', dockerfile: 'railpack-plan.json', railpack: { provider: 'Staticfile', evidence: ['railpack.json'] }, args: {}, platform: 'linux/amd64' } }),
      service('worker', { build: { context: '/projects/py/worker', builder: 'dockerfile', dockerfile: 'docker/worker.Dockerfile', args: {}, platform: 'linux/amd64' } }),
    ]);
    const why = (id: string) => planProject(railpack, { mode: 'balanced', region: 'eu-west-1', preflight: false }).resources.find((r) => r.logicalId === id)!.why;
    expect(why('ApiTaskDefinition')).toContain('How to run api: the image built with Railpack (detected: Python),');
    expect(why('SiteTaskDefinition')).toContain('How to run site: the image built with Railpack (Staticfile, set in railpack.json),');
    expect(why('WorkerTaskDefinition')).toContain('How to run worker: the image built from docker/worker.Dockerfile (BuildKit),');
  });

  it('shows built image URIs when they are known', () => {
    const withImages = planProject(webWithStores(), { mode: 'balanced', region: 'eu-west-1', preflight: false, images: { web: '1.dkr.ecr.eu-west-1.amazonaws.com/berth/shop:web-abc' } });
    expect(withImages.resources.find((r) => r.logicalId === 'WebTaskDefinition')!.description).toContain('berth/shop:web-abc');
    expect(withImages.stacks[1]!.body).toBe(preview.stacks[1]!.body);
  });
});
