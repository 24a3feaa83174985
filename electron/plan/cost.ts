/**
 * The monthly cost estimate of a project in one mode, itemised: Fargate vCPU and GB hours (with
 * the Spot discount), load balancers (application and network), public IPv4 addresses, NAT, RDS, ElastiCache, logs, images,
 * GPU instances and their disks; Bedrock tokens are billed by use, so their prices are a note.
 * Usage that cannot be known (traffic, log volume) is assumed and stated in the notes.
 */
import type { CostEstimate, CostLine, DeploymentMode } from '../../shared/domain/plan';
import type { ProjectModel } from '../../shared/domain/project';
import { containerServices, planIngress } from './ingress';
import { capacityFor, MODE_SETTINGS, replicasFor } from './modes';
import { PRICE_TABLE_DATE, pricesFor } from './prices';
import { bedrockModel, MODEL_PRICE_DATE } from '../../shared/domain/models';
import { GPU_PRICE_DATE, GPU_ROOT_VOLUME_GB, gpuInstanceFor } from './gpu';

export const HOURS_PER_MONTH = 730;
/** Assumed CloudWatch log volume per container service per month. */
export const ASSUMED_LOG_GB_PER_SERVICE = 1;
/** Assumed image size kept in ECR per built service. */
export const ASSUMED_IMAGE_GB = 0.5;
const POSTGRES_STORAGE_GB = 20;
/** One public IPv4 address per AZ on an internet-facing ALB. */
const ALB_ADDRESSES = 2;
/** An internet-facing NLB has one public IPv4 address per subnet it is in (the project's two). */
const NLB_ADDRESSES = 2;
const NAT_GATEWAYS = 2;
/** A volume's size is unknown before it holds data: a small database's worth. */
const ASSUMED_VOLUME_GB = 1;
/** EBS gp3 per GB-month (us-east-1), for the GPU instances' disks. */
const EBS_GP3_GB_MONTH = 0.08;

function cents(value: number): number {
  return Math.round(value * 100) / 100;
}

function fmt(value: number): string {
  return Number(value.toFixed(4)).toString();
}

/** Estimates the monthly cost of running the project in `mode` in `region`. */
export function estimateCost(project: ProjectModel, mode: DeploymentMode, region: string): CostEstimate {
  const settings = MODE_SETTINGS[mode];
  const { prices, priceRegion } = pricesFor(region);
  const lines: CostLine[] = [];
  const add = (item: string, quantity: string, monthly: number) => lines.push({ item, quantity, monthlyUsd: cents(monthly) });
  const notes: string[] = [];

  // One-offs run for minutes once per deploy: cents, not a monthly line.
  const services = containerServices(project).filter((s) => !s.oneOff);
  const oneOffs = containerServices(project).filter((s) => s.oneOff);
  if (oneOffs.length > 0) notes.push(`${oneOffs.map((s) => s.name).join(', ')} run${oneOffs.length === 1 ? 's' : ''} once per deploy that changes ${oneOffs.length === 1 ? 'it' : 'them'}, for as long as ${oneOffs.length === 1 ? 'it takes' : 'they take'}: Fargate by the second, not counted here.`);
  const usage = { amd64: { tasks: 0, vcpu: 0, gb: 0 }, arm64: { tasks: 0, vcpu: 0, gb: 0 } };
  let spotVcpu = 0;
  let spotGb = 0;
  let tasks = 0;
  const gpuServices = services.filter((s) => s.gpu);
  for (const s of services) {
    if (s.gpu) continue;
    const n = replicasFor(mode, s.replicas);
    const arch = s.platform === 'linux/arm64' ? 'arm64' : 'amd64';
    usage[arch].tasks += n;
    usage[arch].vcpu += (n * s.size.cpu) / 1024;
    usage[arch].gb += (n * s.size.memory) / 1024;
    tasks += n;
    if (capacityFor(mode, s.platform) === 'FARGATE_SPOT') {
      spotVcpu += (n * s.size.cpu) / 1024;
      spotGb += (n * s.size.memory) / 1024;
    }
  }
  for (const arch of ['amd64', 'arm64'] as const) {
    const u = usage[arch];
    if (u.tasks === 0) continue;
    const vcpuPrice = arch === 'arm64' ? prices.fargateArmVcpuHour : prices.fargateVcpuHour;
    const gbPrice = arch === 'arm64' ? prices.fargateArmGbHour : prices.fargateGbHour;
    add(`Fargate vCPU (${arch})`, `${u.tasks} task${u.tasks === 1 ? '' : 's'}, ${fmt(u.vcpu)} vCPU × ${HOURS_PER_MONTH} h`, u.vcpu * HOURS_PER_MONTH * vcpuPrice);
    add(`Fargate memory (${arch})`, `${fmt(u.gb)} GB × ${HOURS_PER_MONTH} h`, u.gb * HOURS_PER_MONTH * gbPrice);
  }
  if (spotVcpu > 0) {
    const onDemand = spotVcpu * HOURS_PER_MONTH * prices.fargateVcpuHour + spotGb * HOURS_PER_MONTH * prices.fargateGbHour;
    add('Fargate Spot discount', `${Math.round(prices.spotDiscount * 100)}% off ${fmt(spotVcpu)} vCPU and ${fmt(spotGb)} GB`, -onDemand * prices.spotDiscount);
    notes.push('Spot prices move with demand; the discount is a typical figure, and Spot tasks can be interrupted (ECS restarts them).');
  }
  if (services.some((s) => s.platform === 'linux/arm64') && settings.capacity === 'FARGATE_SPOT') {
    notes.push('arm64 services run on regular Fargate: Fargate Spot has no arm64 capacity.');
  }

  for (const s of gpuServices) {
    const instance = gpuInstanceFor(s.gpu!);
    const n = replicasFor(mode, s.replicas);
    if (!instance || n === 0) continue;
    add(`GPU instances for ${s.name} (${instance.type}, ${instance.gpus} × ${instance.gpuModel})`, `${n} × ${HOURS_PER_MONTH} h at $${instance.hourlyUsd}/h (on-demand)`, n * HOURS_PER_MONTH * instance.hourlyUsd);
    add(`GPU instance disks for ${s.name}`, `${n} × ${GPU_ROOT_VOLUME_GB} GB gp3`, n * GPU_ROOT_VOLUME_GB * EBS_GP3_GB_MONTH);
  }
  if (gpuServices.length > 0) notes.push(`GPU instances are priced at us-east-1 on-demand rates of ${GPU_PRICE_DATE}; they run while their service has tasks.`);
  const models = project.services.flatMap((s) => (s.llm?.models ?? []).map((m) => bedrockModel(m.model))).filter((m, i, all) => m && all.indexOf(m) === i);
  if (models.length > 0) {
    notes.push(`Amazon Bedrock bills tokens as they are used, not monthly: ${models.map((m) => `${m!.name} $${m!.price.input} in / $${m!.price.output} out per 1,000 tokens`).join('; ')} (us-east-1 list prices of ${MODEL_PRICE_DATE}).`);
  }

  const ingress = planIngress(project);
  const hasAlb = ingress.listeners.length > 0;
  if (hasAlb) {
    add('Application load balancer', `1 × ${HOURS_PER_MONTH} h`, HOURS_PER_MONTH * prices.albHour);
    add('Load balancer capacity units', `1 LCU × ${HOURS_PER_MONTH} h (assumed light traffic)`, HOURS_PER_MONTH * prices.albLcuHour);
  }
  const hasNlb = ingress.network.listeners.length > 0;
  if (hasNlb) {
    add('Network load balancer', `1 × ${HOURS_PER_MONTH} h`, HOURS_PER_MONTH * prices.nlbHour);
    add('Network load balancer capacity units', `1 NLCU × ${HOURS_PER_MONTH} h (assumed light traffic)`, HOURS_PER_MONTH * prices.nlcuHour);
  }
  // GPU tasks sit behind NAT (EC2 tasks get no public address), so a GPU project has NAT gateways in every mode.
  const nat = settings.privateSubnets || gpuServices.length > 0;
  const addresses = (settings.privateSubnets ? 0 : tasks) + (hasAlb ? ALB_ADDRESSES : 0) + (hasNlb ? NLB_ADDRESSES : 0) + (nat ? NAT_GATEWAYS : 0);
  if (addresses > 0) add('Public IPv4 addresses', `${addresses} × ${HOURS_PER_MONTH} h`, addresses * HOURS_PER_MONTH * prices.publicIpv4Hour);
  if (nat) {
    add('NAT gateways (one per zone, this project’s own)', `${NAT_GATEWAYS} × ${HOURS_PER_MONTH} h`, NAT_GATEWAYS * HOURS_PER_MONTH * prices.natHour);
    notes.push(settings.privateSubnets ? 'The NAT gateways are in this project’s own network, so each high-availability project pays for its two; data through them costs extra per GB.' : 'The NAT gateways let the GPU tasks reach the internet (EC2 tasks get no public address); data through them costs extra per GB.');
  }

  for (const store of project.services) {
    if (store.managed?.kind === 'postgres') {
      const copies = settings.postgresMultiAz ? 2 : 1;
      const hourly = prices.rdsHour[settings.postgresInstanceClass] ?? 0;
      add(
        `PostgreSQL ${store.name} (${settings.postgresInstanceClass}${copies > 1 ? ', Multi-AZ' : ''})`,
        `${copies} instance${copies > 1 ? 's' : ''} × ${HOURS_PER_MONTH} h`,
        copies * HOURS_PER_MONTH * hourly,
      );
      add(`PostgreSQL ${store.name} storage`, `${copies * POSTGRES_STORAGE_GB} GB gp3`, copies * POSTGRES_STORAGE_GB * prices.rdsGp3GbMonth);
    } else if (store.managed?.kind === 'redis') {
      const hourly = prices.cacheHour[settings.redisNodeType] ?? 0;
      add(
        `Redis ${store.name} (${settings.redisNodeType})`,
        `${settings.redisNodes} node${settings.redisNodes > 1 ? 's' : ''} × ${HOURS_PER_MONTH} h`,
        settings.redisNodes * HOURS_PER_MONTH * hourly,
      );
    }
  }

  if (services.length > 0) {
    const gb = services.length * ASSUMED_LOG_GB_PER_SERVICE;
    add('CloudWatch Logs', `${gb} GB ingested and stored (assumed ${ASSUMED_LOG_GB_PER_SERVICE} GB per service)`, gb * (prices.logsIngestGb + prices.logsStoreGbMonth));
  }
  const built = services.filter((s) => s.build).length;
  if (built > 0) {
    const gb = built * ASSUMED_IMAGE_GB;
    add('ECR image storage', `${fmt(gb)} GB (assumed ${ASSUMED_IMAGE_GB} GB per built image)`, gb * prices.ecrGbMonth);
  }
  const volumes = project.volumes ?? [];
  if (volumes.length > 0) {
    const gb = volumes.length * ASSUMED_VOLUME_GB;
    add('EFS volumes', `${fmt(gb)} GB (assumed ${ASSUMED_VOLUME_GB} GB per volume: ${volumes.join(', ')})`, gb * prices.efsGbMonth);
    notes.push('Volumes are billed for what they hold: the EFS line grows with the data you keep.');
  }
  if (priceRegion !== region) notes.push(`No price table for ${region}: ${priceRegion} prices are shown.`);
  notes.push('Data transfer, requests and storage growth are not included.');

  const monthlyUsd = cents(lines.reduce((sum, line) => sum + line.monthlyUsd, 0));
  return { estimate: true, mode, region, priceRegion, priceDate: PRICE_TABLE_DATE, lines, monthlyUsd, notes };
}
