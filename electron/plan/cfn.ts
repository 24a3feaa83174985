/**
 * Small typed helpers for writing CloudFormation: intrinsic functions, tags, and the canonical
 * JSON form (sorted keys) that makes templates byte-identical run to run.
 */

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** `{ Ref: name }`: a resource's id or a parameter's value. */
export function ref(name: string): { Ref: string } {
  return { Ref: name };
}

/** `{ 'Fn::GetAtt': [resource, attribute] }`. */
export function getAtt(resource: string, attribute: string): { 'Fn::GetAtt': [string, string] } {
  return { 'Fn::GetAtt': [resource, attribute] };
}

/** `{ 'Fn::Sub': text }` with `${Name}` and `${Resource.Attribute}` placeholders. */
export function sub(text: string): { 'Fn::Sub': string } {
  return { 'Fn::Sub': text };
}

/** `{ 'Fn::Join': [separator, parts] }`. */
export function join(separator: string, parts: unknown[]): { 'Fn::Join': [string, unknown[]] } {
  return { 'Fn::Join': [separator, parts] };
}

/** `{ 'Fn::Select': [index, list] }`. */
export function select(index: number, list: unknown): { 'Fn::Select': [number, unknown] } {
  return { 'Fn::Select': [index, list] };
}

/** The availability zones of the stack's region. */
export function azs(): { 'Fn::GetAZs': string } {
  return { 'Fn::GetAZs': '' };
}

/** An ARN in this stack's partition, region and account: `arn(service, 'parameter/Berth/x/*')`. */
export function arn(service: string, resource: string, options: { global?: boolean } = {}): { 'Fn::Sub': string } {
  const region = options.global ? '' : '${AWS::Region}';
  return sub(`arn:\${AWS::Partition}:${service}:${region}:\${AWS::AccountId}:${resource}`);
}

export const MANAGED_BY_TAG = 'berth:managed-by';
export const MANAGED_BY_VALUE = 'berth';
export const PROJECT_TAG = 'berth:project';

/** Berth's tags as a CloudFormation tag list (sorted by key). */
export function tagList(project?: string, extra: Record<string, string> = {}): { Key: string; Value: string }[] {
  const tags: Record<string, string> = { [MANAGED_BY_TAG]: MANAGED_BY_VALUE, ...extra };
  if (project !== undefined) tags[PROJECT_TAG] = project;
  return Object.keys(tags)
    .sort()
    .map((Key) => ({ Key, Value: tags[Key]! }));
}

/**
 * Canonical JSON: object keys sorted at every level, arrays kept in order, `undefined` dropped.
 * `indent` 0 gives the compact form that is sent and hashed.
 */
export function canonicalJson(value: unknown, indent = 0): string {
  return JSON.stringify(sortKeys(value), null, indent);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}

/** An IAM policy statement: named actions on named resources (trust policies name a principal instead). */
export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal?: unknown;
  Action: string[];
  Resource?: unknown;
  Condition?: Record<string, unknown>;
}

/** An IAM policy document. */
export function policy(statements: PolicyStatement[]): { Version: '2012-10-17'; Statement: PolicyStatement[] } {
  return { Version: '2012-10-17', Statement: statements };
}

/**
 * Trust for a task role: ECS tasks of this account and region only. AWS's ECS guide for task
 * roles adds `aws:SourceAccount` and `aws:SourceArn` so no other account's task can make ECS
 * assume the role (the confused-deputy guard).
 */
export function ecsTaskRoleTrust(): { Version: '2012-10-17'; Statement: PolicyStatement[] } {
  const trust = ecsTasksTrust();
  return policy(
    trust.Statement.map((statement) => ({
      ...statement,
      Condition: {
        ArnLike: { 'aws:SourceArn': sub('arn:${AWS::Partition}:ecs:${AWS::Region}:${AWS::AccountId}:*') },
        StringEquals: { 'aws:SourceAccount': ref('AWS::AccountId') },
      },
    })),
  );
}

/** The trust policy that lets ECS tasks assume a role. */
export function ecsTasksTrust(): { Version: '2012-10-17'; Statement: PolicyStatement[] } {
  return policy([{ Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: ['sts:AssumeRole'] }]);
}
