/** What Berth will create: templates, a readable preview, an architecture graph and a cost. */

export const DEPLOYMENT_MODES = ['affordable', 'balanced', 'high_availability'] as const;
export type DeploymentMode = (typeof DEPLOYMENT_MODES)[number];

export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  DependsOn?: string | string[];
  Condition?: string;
  DeletionPolicy?: 'Delete' | 'Retain' | 'Snapshot';
  UpdateReplacePolicy?: 'Delete' | 'Retain' | 'Snapshot';
  Metadata?: Record<string, unknown>;
}

export interface CfnTemplate {
  AWSTemplateFormatVersion: '2010-09-09';
  Description: string;
  Metadata?: Record<string, unknown>;
  Parameters?: Record<string, { Type: string; Default?: string | number; Description?: string; AllowedValues?: string[] }>;
  Conditions?: Record<string, unknown>;
  Resources: Record<string, CfnResource>;
  Outputs?: Record<string, { Value: unknown; Description?: string }>;
}

/** One stack's template and what the deploy needs to know to send it. */
export interface PlannedStack {
  stackName: string;
  template: CfnTemplate;
  /** Canonical JSON of the template (sorted keys): what gets sent and hashed. */
  body: string;
  bytes: number;
  resourceCount: number;
  /** Over 51,200 bytes: must be uploaded to the bucket and sent as TemplateURL. */
  needsUpload: boolean;
}

export interface PlannedResource {
  stack: 'bootstrap' | 'project';
  logicalId: string;
  type: string;
  /** `shared` for bootstrap and project-wide resources, else the compose service it belongs to. */
  group: string;
  /** One line a developer who does not know AWS can read. */
  description: string;
  /** Why it exists. */
  why: string;
}

export type GraphNodeKind = 'internet' | 'alb' | 'service' | 'gpu-service' | 'postgres' | 'redis' | 'namespace' | 'secrets' | 'bedrock';
export interface GraphNode {
  id: string;
  kind: GraphNodeKind;
  label: string;
  detail?: string;
}
export interface GraphEdge {
  from: string;
  to: string;
  kind: 'traffic' | 'dns' | 'secrets';
  label?: string;
}
export interface ArchitectureGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

export interface CostLine {
  item: string;
  /** e.g. `2 tasks × 0.25 vCPU × 730 h`. */
  quantity: string;
  monthlyUsd: number;
}
export interface CostEstimate {
  /** Always true: list prices times assumed usage, not a bill. The UI labels it so. */
  estimate: true;
  mode: DeploymentMode;
  region: string;
  /** The region whose prices were used (us-east-1 when the table has none for `region`). */
  priceRegion: string;
  /** The date of the price table used. */
  priceDate: string;
  lines: CostLine[];
  monthlyUsd: number;
  /** Assumptions behind the figures, one sentence each. */
  notes: string[];
}

export interface PreflightProblem {
  stack: string;
  logicalId: string;
  path: string;
  message: string;
}

export interface ServiceConfigNeed {
  service: string;
  variable: string;
  source: 'config' | 'derived' | 'literal';
  names: string[];
}

/**
 * Room for the VPCs a deploy creates: AWS allows 5 per Region unless the account raised
 * "VPCs per Region" (Service Quotas vpc/L-F678F1CE), and the default VPC counts.
 */
export interface VpcCapacity {
  region: string;
  /** VPCs per Region. */
  limit: number;
  /** The account's applied value, AWS's default (no applied value), or assumed (Service Quotas could not be read). */
  limitSource: 'applied' | 'aws-default' | 'assumed';
  /** VPCs in the Region now. */
  inUse: number;
  /** Of those, Berth's (tagged berth:managed-by=berth). */
  berth: number;
  /** The Region's default VPC is among them. */
  defaultVpc: boolean;
  /** New VPCs the deploy creates. */
  needed: number;
  /** False when EC2 could not be read, so nothing was counted. */
  counted: boolean;
  /** The VPCs fit. */
  ok: boolean;
  /** When they do not: what is in use and how to make room (raise the quota, delete VPCs). */
  message?: string;
  /** When they do not: the quota value that fits, its Service Quotas console page, and the CLI command that asks for it. */
  raise?: { desiredValue: number; consoleUrl: string; command: string };
  /** A caveat (the limit was assumed, or the VPCs could not be counted). */
  note?: string;
}

/**
 * A domain's certificate: `automatic` when the account has the domain's public hosted zone
 * (CloudFormation writes the validation record), `manual` when it has none (the deploy shows the
 * record to add where the domain's DNS is served), `unknown` when not connected.
 */
export interface CertificatePlan {
  service: string;
  domain: string;
  validation: 'automatic' | 'manual' | 'unknown';
  zone?: { id: string; name: string };
}

/** Where a service's image comes from when its tasks start. */
export interface ImagePull {
  service: string;
  image: string;
  /**
   * - `built`: built by Berth and pushed to the project's repository;
   * - `ecr-public-cache`: through the account's ECR Public cache (Docker Hub's official images, public.ecr.aws);
   * - `docker-hub-cache`: through the account's Docker Hub cache, signed in with the user's Docker Hub account;
   * - `docker-hub-anonymous`: from Docker Hub by each task, anonymously (10 pulls an hour per address);
   * - `direct`: from its own registry, as written.
   */
  source: 'built' | 'ecr-public-cache' | 'docker-hub-cache' | 'docker-hub-anonymous' | 'direct';
}

/** A Bedrock model a service invokes, as the preview lists it (prices are per 1,000 tokens, an estimate). */
export interface ModelPlan {
  service: string;
  /** The names the service (or a gateway's clients) use for it. */
  names: string[];
  /** Bedrock model id, its name and maker. */
  model: string;
  modelName: string;
  provider: string;
  kind: 'chat' | 'embedding';
  /** What is invoked from the region: the model id or a cross-region inference profile id. */
  invokeId: string;
  /** The service is Berth's OpenAI-compatible gateway serving it. */
  gateway: boolean;
  pricePer1k: { input: number; output: number };
  priceDate: string;
  /** Sold through AWS Marketplace (the first call subscribes the account). */
  marketplace: boolean;
}

/** A GPU service's instances, as the preview lists them. */
export interface GpuPlan {
  service: string;
  instanceType: string;
  gpus: number;
  gpuModel: string;
  vcpus: number;
  memoryGiB: number;
  /** Instances the mode runs (one per task). */
  instances: number;
  hourlyUsd: number;
  /** The instances' on-demand cost over a month (the cost estimate's line). */
  monthlyUsd: number;
  priceDate: string;
  /** The EC2 quota the instances count against, and the vCPUs they need. */
  quota: { serviceCode: string; quotaCode: string; name: string; vcpus: number };
}

/** The vCPUs a project's GPU instances need against the account's GPU quota in the Region. */
export interface GpuQuotaCheck {
  region: string;
  needed: number;
  /** The quota (undefined: Berth may not read it, see `note`). */
  limit?: number;
  limitSource?: 'applied' | 'aws-default';
  /** vCPUs of G and VT instances already running in the Region outside the project (undefined: Berth may not list them, see `note`). */
  inUse?: number;
  ok: boolean;
  /** When short: what is needed and how to ask for it. */
  message?: string;
  note?: string;
}

/** A model the account cannot use, the services that use it, and how to enable it. */
export interface ModelAccessProblem {
  model: string;
  services: string[];
  reason: string;
  fix: string;
}

/** Whether the account may use each model a project invokes. */
export interface ModelAccessCheck {
  region: string;
  checked: string[];
  problems: ModelAccessProblem[];
  note?: string;
}

export interface PlanPreview {
  project: string;
  mode: DeploymentMode;
  region: string;
  stacks: PlannedStack[];
  resources: PlannedResource[];
  graph: ArchitectureGraph;
  config: ServiceConfigNeed[];
  /** How names resolve: each host a service's settings name, and what answers it on AWS. */
  hostReferences: import('./project').HostReference[];
  /** Public URLs that will exist (ALB DNS name is known only after deploy: shown as a pattern). */
  urls: string[];
  /** One TLS certificate per `domainname`, and how ACM will see its DNS validation record. */
  certificates: CertificatePlan[];
  /** How each container service's image reaches its tasks. */
  images: ImagePull[];
  costs: CostEstimate[];
  /** Bedrock models the services invoke (none: the project uses no models). */
  models: ModelPlan[];
  /** Services on GPU instances. */
  gpus: GpuPlan[];
  /** Services whose models come from config values: checked and granted at deploy. */
  configModels: { service: string; variables: string[] }[];
  preflight: PreflightProblem[];
  /** Room for the VPCs this deploy creates in the connected account (absent when not connected, or none are created). */
  vpcCapacity?: VpcCapacity;
  /** The GPU instances against the account's GPU quota (connected, with GPU services). */
  gpuQuota?: GpuQuotaCheck;
  /** Whether the account may use each model (connected, with models). */
  modelAccess?: ModelAccessCheck;
}
