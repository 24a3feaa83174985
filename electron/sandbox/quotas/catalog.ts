/**
 * The Service Quotas the sandbox knows, their AWS defaults, and the account's applied values per
 * Region (the quota knob, and what RequestServiceQuotaIncrease raised). The services that enforce
 * a quota (EC2's VPCs per Region) read `enforcedQuota`.
 */
import type { SandboxCore } from '../core';

/** One quota as Service Quotas describes it. */
export interface QuotaDefinition {
  serviceCode: string;
  serviceName: string;
  quotaCode: string;
  quotaName: string;
  defaultValue: number;
  adjustable: boolean;
  unit: string;
  globalQuota: boolean;
}

/** Amazon VPC's "VPCs per Region": 5 by default, adjustable; the default VPC counts. */
export const VPCS_PER_REGION: QuotaDefinition = {
  serviceCode: 'vpc',
  serviceName: 'Amazon Virtual Private Cloud (Amazon VPC)',
  quotaCode: 'L-F678F1CE',
  quotaName: 'VPCs per Region',
  defaultValue: 5,
  adjustable: true,
  unit: 'None',
  globalQuota: false,
};

/**
 * CodeBuild's "Concurrently running builds for Linux/Small environment" (new accounts often have
 * 1 to 5 applied). Past it builds queue; past five times it StartBuild refuses.
 */
export const CODEBUILD_LINUX_SMALL_BUILDS: QuotaDefinition = {
  serviceCode: 'codebuild',
  serviceName: 'AWS CodeBuild',
  quotaCode: 'L-9D07B6EF',
  quotaName: 'Concurrently running builds for Linux/Small environment',
  defaultValue: 20,
  adjustable: true,
  unit: 'None',
  globalQuota: false,
};

const EC2_SERVICE = { serviceCode: 'ec2', serviceName: 'Amazon Elastic Compute Cloud (Amazon EC2)', adjustable: true, unit: 'None', globalQuota: false } as const;

/**
 * EC2's vCPU quotas per instance bucket (running vCPUs, per Region). AWS's default for Standard
 * is 5 (GetAWSDefaultServiceQuota); the GPU buckets default to 0, which is also what new accounts
 * are applied: GPU instances need an approved increase first.
 */
export const EC2_STANDARD_ON_DEMAND: QuotaDefinition = { ...EC2_SERVICE, quotaCode: 'L-1216C47A', quotaName: 'Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances', defaultValue: 5 };
export const EC2_G_VT_ON_DEMAND: QuotaDefinition = { ...EC2_SERVICE, quotaCode: 'L-DB2E81BA', quotaName: 'Running On-Demand G and VT instances', defaultValue: 0 };
export const EC2_P_ON_DEMAND: QuotaDefinition = { ...EC2_SERVICE, quotaCode: 'L-417A185B', quotaName: 'Running On-Demand P instances', defaultValue: 0 };
export const EC2_G_VT_SPOT: QuotaDefinition = { ...EC2_SERVICE, quotaCode: 'L-3819A6DF', quotaName: 'All G and VT Spot Instance Requests', defaultValue: 0 };
export const EC2_P_SPOT: QuotaDefinition = { ...EC2_SERVICE, quotaCode: 'L-7212CCBC', quotaName: 'All P Spot Instance Requests', defaultValue: 0 };

/** The vCPU quota of an instance bucket, on-demand or Spot (Standard Spot is not modelled). */
export function ec2VcpuQuota(bucket: 'standard' | 'g-vt' | 'p', spot: boolean): QuotaDefinition | undefined {
  if (bucket === 'g-vt') return spot ? EC2_G_VT_SPOT : EC2_G_VT_ON_DEMAND;
  if (bucket === 'p') return spot ? EC2_P_SPOT : EC2_P_ON_DEMAND;
  return spot ? undefined : EC2_STANDARD_ON_DEMAND;
}

const QUOTAS: QuotaDefinition[] = [VPCS_PER_REGION, CODEBUILD_LINUX_SMALL_BUILDS, EC2_STANDARD_ON_DEMAND, EC2_G_VT_ON_DEMAND, EC2_P_ON_DEMAND, EC2_G_VT_SPOT, EC2_P_SPOT];

/**
 * Applied values by service code, then quota code: `{ vpc: { 'L-F678F1CE': 2 } }`. `null` makes
 * the quota one whose applied value AWS does not expose (GetServiceQuota answers
 * NoSuchResourceException; the service still enforces the default).
 */
export type QuotaConfig = Partial<Record<string, Record<string, number | null>>>;

/** The quota with this service and quota code; `service` is undefined when the service code is unknown. */
export function findQuota(serviceCode: string, quotaCode: string): { service: boolean; quota?: QuotaDefinition } {
  const service = QUOTAS.some((q) => q.serviceCode === serviceCode);
  return { service, quota: QUOTAS.find((q) => q.serviceCode === serviceCode && q.quotaCode === quotaCode) };
}

function key(region: string, serviceCode: string, quotaCode: string): string {
  return `${region}/${serviceCode}/${quotaCode}`;
}

/** The applied value GetServiceQuota reports: the default until raised, null when AWS exposes none. */
export function appliedQuota(core: SandboxCore, region: string, quota: QuotaDefinition): number | null {
  const applied = core.state.quotas.applied;
  const k = key(region, quota.serviceCode, quota.quotaCode);
  return applied.has(k) ? applied.get(k)! : quota.defaultValue;
}

/** The value the service enforces (an unexposed applied value still means the default). */
export function enforcedQuota(core: SandboxCore, region: string, quota: QuotaDefinition): number {
  return appliedQuota(core, region, quota) ?? quota.defaultValue;
}

/** Sets applied values for one Region (the knob, and an approved increase). */
export function setQuotas(core: SandboxCore, region: string, config: QuotaConfig): void {
  for (const [serviceCode, codes] of Object.entries(config)) {
    for (const [quotaCode, value] of Object.entries(codes ?? {})) {
      if (value !== null && (!Number.isFinite(value) || value < 0)) throw new Error(`Quota ${serviceCode}/${quotaCode} must be a number of 0 or more, or null.`);
      core.state.quotas.applied.set(key(region, serviceCode, quotaCode), value);
    }
  }
  core.changed();
  // An Auto Scaling group held back by a vCPU quota tries again at once, as after an approved increase.
  core.kickEcs();
}

/** The applied values set for one Region, in the knob's shape. */
export function quotaConfig(core: SandboxCore, region: string): QuotaConfig {
  const out: QuotaConfig = {};
  for (const [k, value] of core.state.quotas.applied) {
    const [r, serviceCode, quotaCode] = k.split('/') as [string, string, string];
    if (r !== region) continue;
    (out[serviceCode] ??= {})[quotaCode] = value;
  }
  return out;
}
