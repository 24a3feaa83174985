/** The Resource Groups Tagging API: every tagged resource of every sandbox service, filtered by tags and types. */
import type { SandboxCore } from '../core';
import type { SandboxRequest, SandboxResponse } from '../http';
import { Fields, tagsToList, type Input } from '../protocol/input';
import { dispatchJson, type JsonOperation } from '../protocol/json-service';
import { parameterArn } from '../ssm';
import { logGroupArn } from '../logs/store';
import { taggedSecrets } from '../secretsmanager';

/** Every resource the sandbox holds with its tags (untagged ones included). */
export function taggedResources(core: SandboxCore): { arn: string; tags: Record<string, string> }[] {
  const s = core.state;
  const out: { arn: string; tags: Record<string, string> }[] = [];
  for (const b of s.s3.buckets.values()) out.push({ arn: `arn:aws:s3:::${b.name}`, tags: b.tags });
  for (const p of s.ssm.parameters.values()) out.push({ arn: parameterArn(core, p.name), tags: p.tags });
  for (const g of s.logs.groups.values()) out.push({ arn: logGroupArn(core, g.name), tags: g.tags });
  for (const c of s.ecs.clusters.values()) if (c.status === 'ACTIVE') out.push({ arn: c.arn, tags: c.tags });
  for (const sv of s.ecs.services.values()) if (sv.status !== 'INACTIVE') out.push({ arn: sv.arn, tags: sv.tags });
  for (const tds of s.ecs.taskDefinitions.values()) for (const td of tds) if (td.status === 'ACTIVE') out.push({ arn: td.arn, tags: td.tags });
  for (const r of s.ecr.repositories.values()) out.push({ arn: r.arn, tags: r.tags });
  for (const st of s.cloudformation.stacks.values()) if (st.status !== 'DELETE_COMPLETE') out.push({ arn: st.id, tags: st.tags });
  for (const r of s.resources.values()) out.push({ arn: r.arn, tags: r.tags });
  for (const p of s.codebuild.projects.values()) out.push({ arn: p.arn, tags: p.tags });
  for (const c of s.acm.certificates.values()) out.push({ arn: c.arn, tags: c.tags });
  for (const z of s.route53.zones.values()) out.push({ arn: `arn:aws:route53:::hostedzone/${z.id}`, tags: z.tags });
  for (const g of s.autoscaling.groups.values()) out.push({ arn: g.arn, tags: Object.fromEntries(g.tags.map((t) => [t.key, t.value])) });
  for (const cp of s.ecsCapacity.providers.values()) if (cp.status === 'ACTIVE') out.push({ arn: cp.arn, tags: cp.tags });
  out.push(...taggedSecrets(core));
  return out;
}

// `s3`, `ec2:vpc`, `cloudformation:stack`, `ecs:service`... against an ARN.
function matchesType(arn: string, filter: string): boolean {
  const [service, type] = filter.split(':');
  const parts = arn.split(':');
  if (parts[2] !== service) return false;
  if (!type) return true;
  const resource = parts.slice(5).join(':');
  return resource.startsWith(`${type}/`) || resource.startsWith(`${type}:`) || (service === 's3' && type === 'bucket');
}

function matches(entry: { arn: string; tags: Record<string, string> }, tagFilters: Input[], types: string[], arns: string[] | undefined): boolean {
  if (arns && !arns.includes(entry.arn)) return false;
  if (types.length > 0 && !types.some((t) => matchesType(entry.arn, t))) return false;
  return tagFilters.every((f) => {
    const key = String(f.Key ?? '');
    const values = Array.isArray(f.Values) ? (f.Values as string[]) : [];
    const v = entry.tags[key];
    return v !== undefined && (values.length === 0 || values.includes(v));
  });
}

const ops: Record<string, JsonOperation> = {
  GetResources(input, core) {
    const f = new Fields(input, 'InvalidParameterException');
    const tagFilters = f.objList('TagFilters') ?? [];
    const types = f.strList('ResourceTypeFilters') ?? [];
    const arns = f.strList('ResourceARNList');
    const perPage = f.optNum('ResourcesPerPage') ?? 100;
    // Without tag filters AWS lists only resources that have (or had) tags.
    const all = taggedResources(core).filter((e) => (tagFilters.length > 0 || Object.keys(e.tags).length > 0 || arns) && matches(e, tagFilters, types, arns));
    const start = Number(f.optStr('PaginationToken') || '0') || 0;
    const page = all.slice(start, start + perPage);
    return { ResourceTagMappingList: page.map((e) => ({ ResourceARN: e.arn, Tags: tagsToList(e.tags) })), PaginationToken: start + perPage < all.length ? String(start + perPage) : '' };
  },
  GetTagKeys(_input, core) {
    return { TagKeys: [...new Set(taggedResources(core).flatMap((e) => Object.keys(e.tags)))].sort(), PaginationToken: '' };
  },
  GetTagValues(input, core) {
    const key = new Fields(input, 'InvalidParameterException').str('Key');
    return { TagValues: [...new Set(taggedResources(core).map((e) => e.tags[key]).filter((v): v is string => v !== undefined))].sort(), PaginationToken: '' };
  },
};

/** Handles one Resource Groups Tagging API request. */
export function handleTagging(req: SandboxRequest, core: SandboxCore): Promise<SandboxResponse> {
  return dispatchJson(req, core, ops, 'Resource Groups Tagging API');
}
