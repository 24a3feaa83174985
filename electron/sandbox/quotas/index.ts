/**
 * Service Quotas over JSON 1.1 (`ServiceQuotasV20190624.*`): the applied and the AWS default value
 * of the quotas in `catalog.ts`, and increase requests (approved at once: the sandbox has no one to
 * ask). A quota whose applied value AWS does not expose answers NoSuchResourceException, as AWS does.
 */
import type { SandboxCore } from '../core';
import { fail } from '../errors';
import type { SandboxRequest, SandboxResponse } from '../http';
import { hex } from '../ids';
import { SANDBOX_CALLER_ARN } from '../identity';
import { Fields, type Input } from '../protocol/input';
import { epoch } from '../protocol/json';
import { dispatchJson, type JsonOperation } from '../protocol/json-service';
import { appliedQuota, findQuota, setQuotas, type QuotaDefinition } from './catalog';

/** The quota a request names, failing as Service Quotas does for an unknown service or quota. */
function requestedQuota(input: Input): QuotaDefinition {
  const f = new Fields(input, 'IllegalArgumentException');
  const { service, quota } = findQuota(f.str('ServiceCode'), f.str('QuotaCode'));
  if (!service) fail('NoSuchResourceException', 'The request failed because the specified service does not exist.');
  // AWS answers an unknown quota code with an empty message.
  if (!quota) fail('NoSuchResourceException', '');
  return quota;
}

// Applied values carry the account in their ARN; AWS defaults do not.
function quotaShape(quota: QuotaDefinition, value: number, arn: string): Record<string, unknown> {
  return {
    ServiceCode: quota.serviceCode,
    ServiceName: quota.serviceName,
    QuotaArn: arn,
    QuotaCode: quota.quotaCode,
    QuotaName: quota.quotaName,
    Value: value,
    Unit: quota.unit,
    Adjustable: quota.adjustable,
    GlobalQuota: quota.globalQuota,
  };
}

const arnOf = (region: string, account: string, quota: QuotaDefinition) => `arn:aws:servicequotas:${region}:${account}:${quota.serviceCode}/${quota.quotaCode}`;

const ops: Record<string, JsonOperation> = {
  GetServiceQuota(input, core, req) {
    const quota = requestedQuota(input);
    const value = appliedQuota(core, req.region, quota);
    if (value === null) fail('NoSuchResourceException', '');
    return { Quota: { ...quotaShape(quota, value, arnOf(req.region, core.account, quota)), QuotaAppliedAtLevel: 'ACCOUNT' } };
  },
  GetAWSDefaultServiceQuota(input, _core, req) {
    const quota = requestedQuota(input);
    return { Quota: quotaShape(quota, quota.defaultValue, arnOf(req.region, '', quota)) };
  },
  RequestServiceQuotaIncrease(input, core, req) {
    const quota = requestedQuota(input);
    const desired = new Fields(input, 'IllegalArgumentException').optNum('DesiredValue');
    if (desired === undefined) fail('IllegalArgumentException', "1 validation error detected: Value null at 'desiredValue' failed to satisfy constraint: Member must not be null");
    if (!quota.adjustable) fail('QuotaExceededException', `The quota ${quota.quotaCode} is not adjustable.`);
    const current = appliedQuota(core, req.region, quota) ?? quota.defaultValue;
    if (desired <= current) fail('IllegalArgumentException', 'You must provide a quota value greater than the current quota value');
    setQuotas(core, req.region, { [quota.serviceCode]: { [quota.quotaCode]: desired } });
    const now = epoch(Date.now());
    return {
      RequestedQuota: {
        Id: hex(32),
        ServiceCode: quota.serviceCode,
        ServiceName: quota.serviceName,
        QuotaCode: quota.quotaCode,
        QuotaName: quota.quotaName,
        DesiredValue: desired,
        // AWS answers PENDING and decides later; the sandbox approves at once.
        Status: 'APPROVED',
        Created: now,
        LastUpdated: now,
        Requester: JSON.stringify({ accountId: core.account, callerArn: SANDBOX_CALLER_ARN }),
        QuotaArn: arnOf(req.region, core.account, quota),
        GlobalQuota: quota.globalQuota,
        Unit: quota.unit,
        QuotaRequestedAtLevel: 'ACCOUNT',
      },
    };
  },
};

/** Handles one Service Quotas request. */
export function handleServiceQuotas(req: SandboxRequest, core: SandboxCore): Promise<SandboxResponse> {
  return dispatchJson(req, core, ops, 'Service Quotas');
}
