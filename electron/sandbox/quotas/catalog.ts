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

const QUOTAS: QuotaDefinition[] = [VPCS_PER_REGION, CODEBUILD_LINUX_SMALL_BUILDS];

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
