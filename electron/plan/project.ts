/**
 * Planning a project: the templates (bootstrap and project), the readable preview (resources,
 * graph, config, how names resolve, URLs), the cost of every mode and the preflight result.
 * Pure and deterministic: the same project and options give the same preview, byte for byte.
 */
import type { CfnTemplate, DeploymentMode, GpuPlan, ImagePull, ModelPlan, PlanPreview, PlannedStack, ServiceConfigNeed } from '../../shared/domain/plan';
import { MODEL_PRICE_DATE } from '../../shared/domain/models';
import { GPU_PRICE_DATE, GPU_QUOTA, gpuInstanceFor } from './gpu';
import { replicasFor } from './modes';
import { invokedModels } from './models';
import { DEPLOYMENT_MODES } from '../../shared/domain/plan';
import type { ProjectModel } from '../../shared/domain/project';
import { raise } from '../../shared/result';
import { planBootstrap } from './bootstrap';
import { estimateCost, HOURS_PER_MONTH } from './cost';
import { architectureGraph } from './graph';
import { imageOrigin } from '../compose/image';
import { cachedReference } from './images';
import { containerServices, type IngressPlan } from './ingress';
import { imageParameterName } from './names';
import { preflight } from './preflight';
import { buildProjectTemplate, IMAGES_METADATA_KEY, PROJECT_BOOTSTRAP_PARAMETERS } from './project-template';

export interface PlanOptions {
  mode: DeploymentMode;
  region: string;
  /** The account, when connected; only shown, templates use `${AWS::AccountId}`. */
  account?: string;
  /** Built image URIs by service (known after the build phase); shown in the preview, passed as parameters. */
  images?: Record<string, string>;
  /** Run preflight on both templates (default true; it loads the specification once per process). */
  preflight?: boolean;
  /** Managed stores restored from a snapshot into the project's own network: store name → snapshot. */
  restores?: Record<string, string>;
  /** SSM parameter name → current version (read by the deploy just before it plans): versioned password references and task config digests. */
  configVersions?: Record<string, number>;
  /** Each domainname's public hosted zone in the account (null: none there), when connected. */
  hostedZones?: Record<string, { id: string; name: string } | null>;
  /** The secret with the user's Docker Hub credentials, when stored: the bootstrap gets a Docker Hub cache and other Docker Hub images come through it. */
  dockerHubCredentialArn?: string;
}

/** Plans `project` in one mode: templates, preview, costs of all three modes, preflight problems. */
export function planProject(project: ProjectModel, options: PlanOptions): PlanPreview {
  if (!/^[a-z0-9][a-z0-9_-]{0,62}$/.test(project.name)) {
    raise('PLAN_INVALID', `"${project.name}" is not a valid project name: use lower-case letters, digits, - and _ (at most 63).`);
  }
  const dockerHub = options.dockerHubCredentialArn;
  const bootstrap = planBootstrap(dockerHub ? { dockerHubCredentialArn: dockerHub } : {});
  const zoneIds = Object.fromEntries(Object.entries(options.hostedZones ?? {}).flatMap(([domain, zone]) => (zone ? [[domain, zone.id]] : [])));
  const planned = buildProjectTemplate(project, options.mode, undefined, options.images ?? {}, options.restores ?? {}, options.configVersions, zoneIds, { dockerHub: dockerHub !== undefined }, options.region);
  const stacks = [bootstrap.stack, planned.stack];
  const resources = [...bootstrap.resources, ...planned.resources];
  if (options.images) {
    for (const r of resources) {
      const service = project.services.find((s) => s.name === r.group);
      const image = service && options.images[service.name];
      if (image && r.type === 'AWS::ECS::TaskDefinition') r.description = `${r.description}; image ${image}`;
    }
  }
  return {
    project: project.name,
    mode: options.mode,
    region: options.region,
    stacks,
    resources,
    graph: architectureGraph(project, planned.ingress),
    config: configNeeds(project),
    hostReferences: [...project.hostReferences],
    urls: publicUrls(planned.ingress),
    certificates: planned.ingress.domains.map((d) => {
      const zone = options.hostedZones?.[d.domain];
      return { service: d.service, domain: d.domain, validation: zone ? 'automatic' : zone === null ? 'manual' : 'unknown', ...(zone ? { zone } : {}) };
    }),
    images: imagePulls(project, dockerHub !== undefined),
    costs: DEPLOYMENT_MODES.map((mode) => estimateCost(project, mode, options.region)),
    models: modelPlans(project, options.region),
    gpus: gpuPlans(project, options.mode),
    configModels: project.services.filter((s) => s.llm?.configModels).map((s) => ({ service: s.name, variables: [...s.llm!.configModels!] })),
    preflight: options.preflight === false ? [] : stacks.flatMap((stack) => preflight(stack)),
  };
}

/** The models each service invokes from the region, with their prices. */
export function modelPlans(project: ProjectModel, region: string): ModelPlan[] {
  return project.services.flatMap((s) =>
    invokedModels(s, region).map((m) => ({
      service: s.name,
      names: m.names,
      model: m.model.id,
      modelName: m.model.name,
      provider: m.model.provider,
      kind: m.model.kind,
      invokeId: m.invokeId,
      gateway: s.llm?.gateway !== undefined,
      pricePer1k: { ...m.model.price },
      priceDate: MODEL_PRICE_DATE,
      marketplace: m.model.marketplace,
    })),
  );
}

/** The GPU instances each GPU service runs on in `mode`. */
export function gpuPlans(project: ProjectModel, mode: DeploymentMode): GpuPlan[] {
  return project.services.flatMap((s) => {
    const instance = s.gpu && gpuInstanceFor(s.gpu);
    if (!s.gpu || !instance) return [];
    const instances = replicasFor(mode, s.replicas);
    return [{ service: s.name, instanceType: instance.type, gpus: instance.gpus, gpuModel: instance.gpuModel, vcpus: instance.vcpus, memoryGiB: instance.memoryGiB, instances, hourlyUsd: instance.hourlyUsd, monthlyUsd: Math.round(instances * HOURS_PER_MONTH * instance.hourlyUsd * 100) / 100, priceDate: GPU_PRICE_DATE, quota: { ...GPU_QUOTA, vcpus: instances * instance.vcpus } }];
  });
}

/** How each container service's image reaches its tasks (the same mapping the task definitions use). */
export function imagePulls(project: ProjectModel, dockerHubCache: boolean): ImagePull[] {
  return containerServices(project)
    .filter((s) => s.build || s.image)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((s) => {
      if (s.build) return { service: s.name, image: s.image ?? `${s.name} (built)`, source: 'built' as const };
      const image = s.image!;
      const registry = imageOrigin(image).registry;
      const cached = cachedReference(image, { dockerHub: dockerHubCache });
      const source = registry === 'docker-hub' ? (cached ? 'docker-hub-cache' : 'docker-hub-anonymous') : cached ? 'ecr-public-cache' : 'direct';
      return { service: s.name, image, source };
    });
}

/** Every environment variable each container service gets, and where its value comes from. */
export function configNeeds(project: ProjectModel): ServiceConfigNeed[] {
  const out: ServiceConfigNeed[] = [];
  const services = [...project.services].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const s of services) {
    if (s.managed) {
      if (s.managed.kind === 'postgres') out.push({ service: s.name, variable: 'POSTGRES_PASSWORD', source: 'config', names: [s.managed.passwordConfig ?? 'POSTGRES_PASSWORD'] });
      continue;
    }
    for (const variable of Object.keys(s.environment).sort()) {
      const value = s.environment[variable]!;
      const names = value.kind === 'config' ? [value.name] : value.kind === 'derived' ? [...value.names].sort() : [];
      out.push({ service: s.name, variable, source: value.kind, names });
    }
  }
  return out;
}

/** The public URLs and addresses that will exist; the load balancers' DNS names are known only after deploy. */
export function publicUrls(ingress: IngressPlan): string[] {
  const urls: string[] = [];
  for (const l of ingress.listeners) {
    if (l.action.kind === 'forward') urls.push(`http://<load-balancer-dns>${l.port === 80 ? '' : `:${l.port}`} → ${l.action.target.service}:${l.action.target.containerPort}`);
  }
  for (const d of ingress.domains) urls.push(`https://${d.domain} → ${d.service}:${d.target.containerPort}`);
  for (const l of ingress.network.listeners) {
    const over = l.protocol === 'TCP_UDP' ? 'TCP and UDP' : l.protocol;
    urls.push(`<network-load-balancer-dns>:${l.port} (${over}) → ${l.target.service}:${l.target.containerPort}`);
  }
  return urls;
}

/**
 * The parameters the deploy pipeline passes to the project stack: the bootstrap outputs it
 * takes and the image URI of each built service. With `template`, only the parameters it
 * declares are returned, and a missing one is a PLAN_INVALID error naming it.
 */
export function projectStackParameters(
  bootstrapOutputs: Record<string, string>,
  images: Record<string, string>,
  template?: CfnTemplate | PlannedStack,
  /** Values read at deploy (the model ARNs config values name). */
  extra: Record<string, string> = {},
): { ParameterKey: string; ParameterValue: string }[] {
  const values = new Map<string, string>(Object.entries(extra));
  for (const name of Object.keys(PROJECT_BOOTSTRAP_PARAMETERS)) {
    const value = bootstrapOutputs[name];
    if (value !== undefined) values.set(name, value);
  }
  for (const [service, uri] of Object.entries(images)) values.set(imageParameterName(service), uri);
  const t = template && 'template' in template ? template.template : template;
  if (!t) return [...values.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue }));
  const declared = Object.keys(t.Parameters ?? {}).sort();
  const missing = declared.filter((name) => !values.has(name) && t.Parameters![name]!.Default === undefined);
  if (missing.length > 0) {
    const byParameter = new Map(Object.entries((t.Metadata?.[IMAGES_METADATA_KEY] ?? {}) as Record<string, string>).map(([service, param]) => [param, service]));
    const named = missing.map((m) => (byParameter.has(m) ? `the image of ${byParameter.get(m)}` : `bootstrap output ${m}`));
    raise('PLAN_INVALID', `The project stack needs ${named.join(', ')}.`, { missing });
  }
  return declared.filter((name) => values.has(name)).map((ParameterKey) => ({ ParameterKey, ParameterValue: values.get(ParameterKey)! }));
}
