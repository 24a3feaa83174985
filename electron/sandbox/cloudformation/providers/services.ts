/** Resources that are real objects of the sandbox's own services: buckets, log groups, parameters, event rules. */
import { fail, SandboxError } from '../../errors';
import type { SandboxCore } from '../../core';
import { SANDBOX_DNS_SUFFIX } from '../../identity';
import { upperId } from '../../ids';
import { createBucket, deleteBucket } from '../../s3/buckets';
import { deleteParameter, parameterArn, putParameter } from '../../ssm';
import { createLogGroup, logGroupArn } from '../../logs/store';
import { allTags, generatedName, propTags, str, type ProviderContext, type ResourceProvider } from './types';

function bucketAttributes(core: SandboxCore, name: string): Record<string, unknown> {
  return {
    Arn: `arn:aws:s3:::${name}`,
    DomainName: `${name}.s3.${SANDBOX_DNS_SUFFIX}`,
    RegionalDomainName: `${name}.s3.${core.region}.${SANDBOX_DNS_SUFFIX}`,
    DualStackDomainName: `${name}.s3.dualstack.${core.region}.${SANDBOX_DNS_SUFFIX}`,
    WebsiteURL: `http://${name}.s3-website-${core.region}.${SANDBOX_DNS_SUFFIX}`,
  };
}

// The parts of a bucket's configuration the sandbox's S3 API reports back.
function applyBucketConfig(ctx: ProviderContext, name: string, props: Record<string, unknown>): void {
  const bucket = ctx.core.state.s3.buckets.get(name);
  if (!bucket) return;
  const versioning = (props.VersioningConfiguration as { Status?: string } | undefined)?.Status;
  if (versioning === 'Enabled' || versioning === 'Suspended') bucket.versioning = versioning;
  else if (bucket.versioning === 'Enabled') bucket.versioning = 'Suspended';
  bucket.tags = allTags(ctx, props);
  const encryption = props.BucketEncryption as { ServerSideEncryptionConfiguration?: { ServerSideEncryptionByDefault?: { SSEAlgorithm?: string } }[] } | undefined;
  const algorithm = encryption?.ServerSideEncryptionConfiguration?.[0]?.ServerSideEncryptionByDefault?.SSEAlgorithm ?? 'AES256';
  bucket.configs.set('encryption', `<?xml version="1.0" encoding="UTF-8"?>\n<ServerSideEncryptionConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>${algorithm}</SSEAlgorithm></ApplyServerSideEncryptionByDefault></Rule></ServerSideEncryptionConfiguration>`);
  const block = props.PublicAccessBlockConfiguration as Record<string, unknown> | undefined;
  if (block) {
    const flags = ['BlockPublicAcls', 'IgnorePublicAcls', 'BlockPublicPolicy', 'RestrictPublicBuckets'].map((k) => `<${k}>${block[k] === true || block[k] === 'true'}</${k}>`).join('');
    bucket.configs.set('publicAccessBlock', `<?xml version="1.0" encoding="UTF-8"?>\n<PublicAccessBlockConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${flags}</PublicAccessBlockConfiguration>`);
  } else bucket.configs.delete('publicAccessBlock');
  ctx.core.changed();
}

export const bucketProvider: ResourceProvider = {
  nameProperty: 'BucketName',
  create(ctx, props) {
    const name = str(props, 'BucketName') ?? generatedName(ctx, 63, true);
    if (/[A-Z]/.test(name)) fail('InvalidRequest', 'Bucket name should not contain uppercase characters');
    try {
      createBucket(ctx.core, name);
    } catch (error) {
      if (error instanceof SandboxError && error.code === 'BucketAlreadyOwnedByYou') fail('AlreadyExists', `${name} already exists`);
      throw error;
    }
    applyBucketConfig(ctx, name, props);
    return { physicalId: name, attributes: bucketAttributes(ctx.core, name) };
  },
  update(ctx, resource, props) {
    applyBucketConfig(ctx, resource.physicalId, props);
    return resource;
  },
  delete(ctx, resource) {
    if (!ctx.core.state.s3.buckets.has(resource.physicalId)) return;
    deleteBucket(ctx.core, resource.physicalId);
  },
};

export const bucketPolicyProvider: ResourceProvider = {
  create(ctx, props) {
    const bucketName = str(props, 'Bucket')!;
    const bucket = ctx.core.state.s3.buckets.get(bucketName);
    if (!bucket) fail('NoSuchBucket', 'The specified bucket does not exist', 404);
    bucket.policy = typeof props.PolicyDocument === 'string' ? props.PolicyDocument : JSON.stringify(props.PolicyDocument);
    ctx.core.changed();
    return { physicalId: generatedName(ctx), attributes: {} };
  },
  update(ctx, resource, props) {
    this.create(ctx, props);
    return resource;
  },
  delete(ctx, _resource, props) {
    const bucket = ctx.core.state.s3.buckets.get(str(props, 'Bucket') ?? '');
    if (bucket) {
      delete bucket.policy;
      ctx.core.changed();
    }
  },
};

export const logGroupProvider: ResourceProvider = {
  nameProperty: 'LogGroupName',
  create(ctx, props) {
    const name = str(props, 'LogGroupName') ?? generatedName(ctx, 512);
    try {
      createLogGroup(ctx.core, name, { retentionInDays: props.RetentionInDays === undefined ? undefined : Number(props.RetentionInDays), tags: allTags(ctx, props), kmsKeyId: str(props, 'KmsKeyId') });
    } catch (error) {
      if (error instanceof SandboxError && error.code === 'ResourceAlreadyExistsException') fail('AlreadyExists', `Resource of type 'AWS::Logs::LogGroup' with identifier '${name}' already exists.`);
      throw error;
    }
    return { physicalId: name, attributes: { Arn: `${logGroupArn(ctx.core, name)}:*` } };
  },
  update(ctx, resource, props) {
    const group = ctx.core.state.logs.groups.get(resource.physicalId);
    if (group) {
      group.retentionInDays = props.RetentionInDays === undefined ? undefined : Number(props.RetentionInDays);
      group.tags = allTags(ctx, props);
      ctx.core.changed();
    }
    return resource;
  },
  delete(ctx, resource) {
    ctx.core.state.logs.groups.delete(resource.physicalId);
    ctx.core.changed();
  },
};

export const logResourcePolicyProvider: ResourceProvider = {
  nameProperty: 'PolicyName',
  create(ctx, props) {
    const name = str(props, 'PolicyName')!;
    if (ctx.core.state.logs.policies.has(name)) fail('AlreadyExists', `Resource of type 'AWS::Logs::ResourcePolicy' with identifier '${name}' already exists.`);
    const document = typeof props.PolicyDocument === 'string' ? props.PolicyDocument : JSON.stringify(props.PolicyDocument);
    ctx.core.state.logs.policies.set(name, { name, document, updatedAt: Date.now() });
    ctx.core.changed();
    return { physicalId: name, attributes: {} };
  },
  update(ctx, resource, props) {
    const document = typeof props.PolicyDocument === 'string' ? props.PolicyDocument : JSON.stringify(props.PolicyDocument);
    ctx.core.state.logs.policies.set(resource.physicalId, { name: resource.physicalId, document, updatedAt: Date.now() });
    ctx.core.changed();
    return resource;
  },
  delete(ctx, resource) {
    ctx.core.state.logs.policies.delete(resource.physicalId);
    ctx.core.changed();
  },
};

export const parameterProvider: ResourceProvider = {
  nameProperty: 'Name',
  create(ctx, props) {
    const name = str(props, 'Name') ?? `CFN-${ctx.logicalId}-${upperId(12)}`;
    const type = str(props, 'Type') as 'String' | 'StringList';
    if (type !== 'String' && type !== 'StringList') fail('InvalidRequest', `Parameter type ${type} is not supported by CloudFormation: AWS::SSM::Parameter creates only String and StringList parameters.`);
    if (ctx.core.state.ssm.parameters.has(name)) fail('AlreadyExists', `Parameter ${name} already exists.`);
    putParameter(ctx.core, { name, value: str(props, 'Value') ?? '', type, description: str(props, 'Description'), tier: str(props, 'Tier'), dataType: str(props, 'DataType'), allowedPattern: str(props, 'AllowedPattern'), tags: { ...ctx.stackTags, ...propTags(props.Tags) } });
    return { physicalId: name, attributes: { Type: type, Value: str(props, 'Value'), Arn: parameterArn(ctx.core, name) } };
  },
  update(ctx, resource, props) {
    const type = str(props, 'Type') as 'String' | 'StringList';
    putParameter(ctx.core, { name: resource.physicalId, value: str(props, 'Value') ?? '', type, overwrite: true, description: str(props, 'Description'), allowedPattern: str(props, 'AllowedPattern') });
    const p = ctx.core.state.ssm.parameters.get(resource.physicalId);
    if (p) p.tags = { ...ctx.stackTags, ...propTags(props.Tags) };
    return { physicalId: resource.physicalId, attributes: { Type: type, Value: str(props, 'Value'), Arn: parameterArn(ctx.core, resource.physicalId) } };
  },
  delete(ctx, resource) {
    deleteParameter(ctx.core, resource.physicalId);
  },
};

function eventPattern(value: unknown): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') {
    try {
      return JSON.parse(value) as Record<string, unknown>;
    } catch {
      fail('InvalidRequest', 'Event pattern is not valid. Reason: Filter is not an object');
    }
  }
  return value as Record<string, unknown>;
}

function storeRule(ctx: ProviderContext, name: string, props: Record<string, unknown>): Record<string, unknown> {
  const arn = `arn:aws:events:${ctx.core.region}:${ctx.core.account}:rule/${name}`;
  const targets = Array.isArray(props.Targets) ? (props.Targets as { Id?: unknown; Arn?: unknown }[]).map((t) => ({ id: String(t.Id ?? ''), arn: String(t.Arn ?? '') })) : [];
  ctx.core.state.events.rules.set(name, { name, arn, pattern: eventPattern(props.EventPattern), state: str(props, 'State') ?? 'ENABLED', targets });
  ctx.core.changed();
  return { Arn: arn, RuleName: name };
}

export const eventRuleProvider: ResourceProvider = {
  nameProperty: 'Name',
  create(ctx, props) {
    const name = str(props, 'Name') ?? generatedName(ctx, 64);
    if (ctx.core.state.events.rules.has(name)) fail('AlreadyExists', `Rule ${name} already exists.`);
    return { physicalId: name, attributes: storeRule(ctx, name, props) };
  },
  update(ctx, resource, props) {
    return { physicalId: resource.physicalId, attributes: storeRule(ctx, resource.physicalId, props) };
  },
  delete(ctx, resource) {
    ctx.core.state.events.rules.delete(resource.physicalId);
    ctx.core.changed();
  },
};
