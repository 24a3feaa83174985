/** ECS and ECR resources created by CloudFormation are real objects of the sandbox's ECS and ECR (an ECS service runs tasks). */
import { fail } from '../../errors';
import { uuid } from '../../ids';
import { createRepository, deleteRepository } from '../../ecr';
import { createPullThroughCacheRule } from '../../ecr/pull-through';
import { parseLifecyclePolicy } from '../../ecr/lifecycle-policy';
import { createCluster, createService, deleteCluster, deleteService, findTaskDefinition, registerTaskDefinition, requireCluster, updateService, type Json } from '../../ecs/store';
import { waitForInactive, waitForRollout } from '../../ecs/simulation';
import { checkAssociation, type Strategy } from '../../ecs/capacity-providers';
import { ResourceFailure, allTags, generatedName, str, type ProviderContext, type ResourceProvider } from './types';

// Keys whose values are maps of user-chosen names: their own keys keep their case.
const MAP_KEYS = new Set(['Options', 'DockerLabels', 'Labels', 'DriverOpts', 'SecretOptions']);
// Where the ECS API's name is not the CloudFormation name with a lower-case first letter.
const API_NAMES: Record<string, string> = { EFSVolumeConfiguration: 'efsVolumeConfiguration', FilesystemId: 'fileSystemId', IAM: 'iam', FSxWindowsFileServerVolumeConfiguration: 'fsxWindowsFileServerVolumeConfiguration' };

/** CloudFormation's PascalCase properties → the ECS API's camelCase shape (map keys untouched). */
export function toApiShape(value: unknown, preserve = false): unknown {
  if (Array.isArray(value)) return value.map((v) => toApiShape(v));
  if (value === null || typeof value !== 'object') return value;
  const out: Json = {};
  for (const [key, v] of Object.entries(value)) {
    const apiKey = preserve ? key : (API_NAMES[key] ?? key.charAt(0).toLowerCase() + key.slice(1));
    out[apiKey] = MAP_KEYS.has(key) && v && typeof v === 'object' && !Array.isArray(v) ? { ...(v as Json) } : toApiShape(v);
  }
  return out;
}

function apiTags(tags: Record<string, string>): { key: string; value: string }[] {
  return Object.entries(tags)
    .filter(([k]) => !k.startsWith('aws:'))
    .map(([key, value]) => ({ key, value }));
}

const clusterProvider: ResourceProvider = {
  nameProperty: 'ClusterName',
  create(ctx, props) {
    const name = str(props, 'ClusterName') ?? generatedName(ctx, 255);
    const existing = ctx.core.state.ecs.clusters.get(name);
    if (existing && existing.status === 'ACTIVE') fail('AlreadyExists', `Resource of type 'AWS::ECS::Cluster' with identifier '${name}' already exists.`);
    const cluster = createCluster(ctx.core, name, {
      tags: allTags(ctx, props),
      capacityProviders: props.CapacityProviders as string[] | undefined,
      defaultStrategy: toApiShape(props.DefaultCapacityProviderStrategy) as { capacityProvider: string }[] | undefined,
      settings: toApiShape(props.ClusterSettings) as { name: string; value: string }[] | undefined,
    });
    return { physicalId: name, attributes: { Arn: cluster.arn } };
  },
  update(ctx, resource, props) {
    const cluster = requireCluster(ctx.core, resource.physicalId);
    cluster.tags = allTags(ctx, props);
    if (props.CapacityProviders) cluster.capacityProviders = props.CapacityProviders as string[];
    if (props.ClusterSettings) cluster.settings = toApiShape(props.ClusterSettings) as { name: string; value: string }[];
    ctx.core.changed();
    return resource;
  },
  delete(ctx, resource) {
    const cluster = ctx.core.state.ecs.clusters.get(resource.physicalId);
    if (cluster && cluster.status === 'ACTIVE') deleteCluster(ctx.core, cluster);
  },
};

const capacityProviderAssociations: ResourceProvider = {
  create(ctx, props) {
    const cluster = requireCluster(ctx.core, str(props, 'Cluster'));
    const providers = ((props.CapacityProviders as string[] | undefined) ?? []).map(String);
    const strategy = (toApiShape(props.DefaultCapacityProviderStrategy) as Strategy | undefined) ?? [];
    // PutClusterCapacityProviders' checks: providers that exist, a default strategy among them, none in use removed.
    checkAssociation(ctx.core, cluster, providers, strategy);
    cluster.capacityProviders = providers;
    cluster.defaultStrategy = strategy;
    ctx.core.changed();
    ctx.core.kickEcs();
    return { physicalId: cluster.name, attributes: {} };
  },
  update(ctx, resource, props) {
    this.create(ctx, props);
    return resource;
  },
  delete(ctx, resource) {
    const cluster = ctx.core.state.ecs.clusters.get(resource.physicalId);
    if (cluster) {
      if (cluster.status === 'ACTIVE') checkAssociation(ctx.core, cluster, [], []);
      cluster.capacityProviders = [];
      cluster.defaultStrategy = [];
      ctx.core.changed();
    }
  },
};

const taskDefinitionProvider: ResourceProvider = {
  create(ctx, props) {
    const { Tags: _tags, ...rest } = props;
    void _tags;
    const body = toApiShape(rest) as Json;
    body.family ??= generatedName(ctx, 255);
    const td = registerTaskDefinition(ctx.core, body, allTags(ctx, props));
    return { physicalId: td.arn, attributes: { TaskDefinitionArn: td.arn } };
  },
  delete(ctx, resource) {
    const td = findTaskDefinition(ctx.core, resource.physicalId);
    if (td && td.status === 'ACTIVE') {
      td.status = 'INACTIVE';
      td.deregisteredAt = Date.now();
      ctx.core.changed();
    }
  },
};

function serviceInput(ctx: ProviderContext, props: Json): Json {
  const { Cluster: _c, ServiceName: _n, Tags: _t, ...rest } = props;
  void _c;
  void _n;
  void _t;
  const input = toApiShape(rest) as Json;
  input.desiredCount = props.DesiredCount === undefined ? 1 : Number(props.DesiredCount);
  if (input.healthCheckGracePeriodSeconds !== undefined) input.healthCheckGracePeriodSeconds = Number(input.healthCheckGracePeriodSeconds);
  input.tags = apiTags(allTags(ctx, props));
  return input;
}

// The deployment each CloudFormation create/update started, per sandbox, so stabilisation watches that one.
const watched = new WeakMap<object, Map<string, string>>();

function watch(ctx: ProviderContext, serviceArn: string): void {
  const id = ctx.core.state.ecs.services.get(serviceArn)?.deployments[0]?.id;
  const map = watched.get(ctx.core) ?? new Map<string, string>();
  watched.set(ctx.core, map);
  if (id) map.set(serviceArn, id);
}

async function stable(ctx: ProviderContext, arn: string): Promise<void> {
  const outcome = await waitForRollout(ctx.core, arn, watched.get(ctx.core)?.get(arn));
  if (outcome === 'FAILED') {
    throw new ResourceFailure(`Resource handler returned message: "Error occurred during operation 'ECS Deployment Circuit Breaker was triggered'." (RequestToken: ${uuid()}, HandlerErrorCode: GeneralServiceException)`);
  }
}

const serviceProvider: ResourceProvider = {
  duration: 'ecsService',
  nameProperty: 'ServiceName',
  create(ctx, props) {
    const cluster = requireCluster(ctx.core, str(props, 'Cluster'));
    const input = serviceInput(ctx, props);
    input.serviceName = str(props, 'ServiceName') ?? generatedName(ctx, 255);
    const service = createService(ctx.core, cluster, input);
    watch(ctx, service.arn);
    return { physicalId: service.arn, attributes: { ServiceArn: service.arn, Name: service.name } };
  },
  stabilize: (ctx, resource) => stable(ctx, resource.physicalId),
  update(ctx, resource, props) {
    const service = ctx.core.state.ecs.services.get(resource.physicalId);
    if (!service) fail('ServiceNotFoundException', 'Service not found.');
    const input = serviceInput(ctx, props);
    service.tags = Object.fromEntries((input.tags as { key: string; value: string }[]).map((t) => [t.key, t.value]));
    updateService(ctx.core, service, input);
    watch(ctx, service.arn);
    return resource;
  },
  delete(ctx, resource) {
    const service = ctx.core.state.ecs.services.get(resource.physicalId);
    if (service && service.status === 'ACTIVE') deleteService(ctx.core, service, true);
  },
  awaitDeleted: (ctx, resource) => waitForInactive(ctx.core, resource.physicalId),
};

const repositoryProvider: ResourceProvider = {
  nameProperty: 'RepositoryName',
  create(ctx, props) {
    const name = str(props, 'RepositoryName') ?? generatedName(ctx, 256, true);
    if (ctx.core.state.ecr.repositories.has(name)) fail('AlreadyExists', `Resource of type 'AWS::ECR::Repository' with identifier '${name}' already exists.`);
    const repo = createRepository(ctx.core, name, {
      tags: allTags(ctx, props),
      tagMutability: str(props, 'ImageTagMutability') as 'MUTABLE' | 'IMMUTABLE' | undefined,
      scanOnPush: (props.ImageScanningConfiguration as { ScanOnPush?: boolean } | undefined)?.ScanOnPush === true,
      lifecyclePolicy: (props.LifecyclePolicy as { LifecyclePolicyText?: string } | undefined)?.LifecyclePolicyText,
    });
    return { physicalId: name, attributes: { Arn: repo.arn, RepositoryUri: repo.uri } };
  },
  update(ctx, resource, props) {
    const repo = ctx.core.state.ecr.repositories.get(resource.physicalId);
    if (repo) {
      const lifecyclePolicy = (props.LifecyclePolicy as { LifecyclePolicyText?: string } | undefined)?.LifecyclePolicyText;
      // CloudFormation puts the policy through PutLifecyclePolicy, so ECR's checks fail the update.
      if (lifecyclePolicy !== undefined) parseLifecyclePolicy(lifecyclePolicy);
      repo.tags = allTags(ctx, props);
      repo.tagMutability = (str(props, 'ImageTagMutability') as 'MUTABLE' | 'IMMUTABLE' | undefined) ?? 'MUTABLE';
      repo.lifecyclePolicy = lifecyclePolicy;
      ctx.core.changed();
    }
    return resource;
  },
  delete(ctx, resource, props) {
    if (!ctx.core.state.ecr.repositories.has(resource.physicalId)) return;
    deleteRepository(ctx.core, resource.physicalId, props.EmptyOnDelete === true || props.EmptyOnDelete === 'true');
  },
};

const pullThroughCacheRule: ResourceProvider = {
  create(ctx, props) {
    const rule = createPullThroughCacheRule(ctx.core, { prefix: str(props, 'EcrRepositoryPrefix') ?? 'ROOT', upstreamUrl: str(props, 'UpstreamRegistryUrl') ?? '', credentialArn: str(props, 'CredentialArn') }, (prefix) =>
      fail('AlreadyExists', `A pull through cache rule with prefix '${prefix}' already exists.`),
    );
    return { physicalId: rule.prefix, attributes: {} };
  },
  delete(ctx, resource) {
    ctx.core.state.ecr.pullThroughCacheRules.delete(resource.physicalId);
    ctx.core.changed();
  },
};

export const containerProviders: Record<string, ResourceProvider> = {
  'AWS::ECS::Cluster': clusterProvider,
  'AWS::ECS::ClusterCapacityProviderAssociations': capacityProviderAssociations,
  'AWS::ECS::TaskDefinition': taskDefinitionProvider,
  'AWS::ECS::Service': serviceProvider,
  'AWS::ECR::Repository': repositoryProvider,
  'AWS::ECR::PullThroughCacheRule': pullThroughCacheRule,
};
