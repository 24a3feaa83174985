/** ECS over JSON 1.1: clusters, task definitions, tasks and services (run by the sandbox's simulation). */
import { fail } from '../errors';
import type { SandboxCore } from '../core';
import type { SandboxRequest, SandboxResponse } from '../http';
import { Fields, tagsFromList, tagsToList, type Input } from '../protocol/input';
import { dispatchJson, type JsonOperation } from '../protocol/json-service';
import type { EcsTask } from '../state';
import {
  clusterView,
  createCluster,
  createService,
  deleteCluster,
  deleteService,
  findService,
  findTask,
  findTaskDefinition,
  launchTasks,
  registerTaskDefinition,
  requestStop,
  requireCluster,
  serviceView,
  taskDefinitionView,
  taskView,
  updateService,
} from './store';
import { capacityProviderView, checkAssociation, checkPlacement, createCapacityProvider, deleteCapacityProvider, fargateProviderView, FARGATE_PROVIDERS, findCapacityProvider } from './capacity-providers';
import { containerInstancesOf, containerInstanceView, findContainerInstance } from './container-instances';

const E = 'InvalidParameterException';

function strategy(value: unknown): { capacityProvider: string; weight?: number; base?: number }[] | undefined {
  return Array.isArray(value) ? (value as { capacityProvider: string; weight?: number; base?: number }[]) : undefined;
}

function resourceTags(core: SandboxCore, arn: string): Record<string, string> {
  const kind = /^arn:aws:ecs:[^:]+:[^:]+:([a-z-]+)\//.exec(arn)?.[1];
  if (kind === 'cluster') {
    const c = core.state.ecs.clusters.get(arn.slice(arn.lastIndexOf('/') + 1));
    if (c) return c.tags;
  } else if (kind === 'service') {
    const s = core.state.ecs.services.get(arn);
    if (s) return s.tags;
  } else if (kind === 'task') {
    const t = core.state.ecs.tasks.get(arn);
    if (t) return t.tags;
  } else if (kind === 'task-definition') {
    const td = findTaskDefinition(core, arn);
    if (td) return td.tags;
  }
  fail(E, 'The specified resource could not be found.');
}

const ops: Record<string, JsonOperation> = {
  CreateCluster(input, core) {
    const f = new Fields(input, E);
    const cluster = createCluster(core, f.optStr('clusterName') ?? 'default', {
      tags: tagsFromList(f.objList('tags'), 'key', 'value'),
      capacityProviders: f.strList('capacityProviders'),
      defaultStrategy: strategy(input.defaultCapacityProviderStrategy),
      settings: f.objList('settings') as { name: string; value: string }[] | undefined,
    });
    return { cluster: clusterView(core, cluster) };
  },
  DescribeClusters(input, core) {
    const refs = new Fields(input, E).strList('clusters') ?? ['default'];
    const clusters: unknown[] = [];
    const failures: unknown[] = [];
    for (const ref of refs) {
      const c = core.state.ecs.clusters.get(ref.startsWith('arn:') ? ref.slice(ref.lastIndexOf('/') + 1) : ref);
      if (c) clusters.push(clusterView(core, c));
      else failures.push({ arn: ref.startsWith('arn:') ? ref : `arn:aws:ecs:${core.region}:${core.account}:cluster/${ref}`, reason: 'MISSING' });
    }
    return { clusters, failures };
  },
  ListClusters(_input, core) {
    return { clusterArns: [...core.state.ecs.clusters.values()].filter((c) => c.status === 'ACTIVE').map((c) => c.arn) };
  },
  DeleteCluster(input, core) {
    const cluster = requireCluster(core, new Fields(input, E).str('cluster'));
    deleteCluster(core, cluster);
    return { cluster: clusterView(core, cluster) };
  },
  PutClusterCapacityProviders(input, core) {
    const f = new Fields(input, E);
    const cluster = requireCluster(core, f.str('cluster'));
    const providers = f.strList('capacityProviders') ?? [];
    const defaultStrategy = strategy(input.defaultCapacityProviderStrategy) ?? [];
    checkAssociation(core, cluster, providers, defaultStrategy);
    cluster.capacityProviders = providers;
    cluster.defaultStrategy = defaultStrategy;
    core.kickEcs();
    core.changed();
    return { cluster: clusterView(core, cluster) };
  },
  CreateCapacityProvider(input, core) {
    const f = new Fields(input, E);
    const asg = f.optObj('autoScalingGroupProvider');
    if (!asg) fail(E, 'autoScalingGroupProvider is required.');
    const cp = createCapacityProvider(core, {
      name: f.str('name'),
      autoScalingGroupArn: String(asg.autoScalingGroupArn ?? ''),
      managedScaling: asg.managedScaling as Record<string, never> | undefined,
      managedTerminationProtection: asg.managedTerminationProtection as string | undefined,
      managedDraining: asg.managedDraining as string | undefined,
      tags: tagsFromList(f.objList('tags'), 'key', 'value'),
    });
    return { capacityProvider: capacityProviderView(cp) };
  },
  DeleteCapacityProvider(input, core) {
    const ref = new Fields(input, E).str('capacityProvider');
    if (FARGATE_PROVIDERS.includes(ref)) fail('ClientException', 'The specified capacity provider is reserved and cannot be deleted.');
    const cp = findCapacityProvider(core, ref);
    if (!cp) fail('ClientException', 'The specified capacity provider does not exist. Specify a valid name or ARN and try again.');
    deleteCapacityProvider(core, cp);
    return { capacityProvider: capacityProviderView(cp) };
  },
  DescribeCapacityProviders(input, core) {
    const refs = new Fields(input, E).strList('capacityProviders');
    const own = [...core.state.ecsCapacity.providers.values()].filter((p) => p.status === 'ACTIVE');
    if (!refs) return { capacityProviders: [...FARGATE_PROVIDERS.map(fargateProviderView), ...own.map(capacityProviderView)], failures: [] };
    const capacityProviders: unknown[] = [];
    const failures: unknown[] = [];
    for (const ref of refs) {
      const name = ref.startsWith('arn:') ? ref.slice(ref.lastIndexOf('/') + 1) : ref;
      const cp = findCapacityProvider(core, name);
      if (FARGATE_PROVIDERS.includes(name)) capacityProviders.push(fargateProviderView(name));
      else if (cp) capacityProviders.push(capacityProviderView(cp));
      else failures.push({ arn: ref.startsWith('arn:') ? ref : `arn:aws:ecs:${core.region}:${core.account}:capacity-provider/${ref}`, reason: 'MISSING' });
    }
    return { capacityProviders, failures };
  },
  ListContainerInstances(input, core) {
    const f = new Fields(input, E);
    const cluster = requireCluster(core, f.optStr('cluster'));
    const status = f.optStr('status');
    const arns = containerInstancesOf(core, cluster.arn)
      .filter(({ ci }) => (status ? ci.status === status : ci.status !== 'INACTIVE'))
      .map(({ ci }) => ci.arn);
    const max = f.optNum('maxResults') ?? 100;
    const start = Number(f.optStr('nextToken') ?? '0') || 0;
    return { containerInstanceArns: arns.slice(start, start + max), ...(start + max < arns.length ? { nextToken: String(start + max) } : {}) };
  },
  DescribeContainerInstances(input, core) {
    const f = new Fields(input, E);
    const cluster = requireCluster(core, f.optStr('cluster'));
    const containerInstances: unknown[] = [];
    const failures: unknown[] = [];
    for (const ref of f.strList('containerInstances') ?? []) {
      const found = findContainerInstance(core, cluster, ref);
      if (found) containerInstances.push(containerInstanceView(core, found.instance, found.ci));
      else failures.push({ arn: ref.startsWith('arn:') ? ref : `arn:aws:ecs:${core.region}:${core.account}:container-instance/${cluster.name}/${ref}`, reason: 'MISSING' });
    }
    return { containerInstances, failures };
  },
  RegisterTaskDefinition(input, core) {
    const { tags, ...body } = input;
    const td = registerTaskDefinition(core, body, tagsFromList(tags as Input[] | undefined, 'key', 'value'));
    return { taskDefinition: taskDefinitionView(core, td), tags: tagsToList(td.tags, 'key', 'value') };
  },
  DescribeTaskDefinition(input, core) {
    const f = new Fields(input, E);
    const td = findTaskDefinition(core, f.str('taskDefinition'));
    if (!td) fail('ClientException', 'Unable to describe task definition.');
    return { taskDefinition: taskDefinitionView(core, td), ...((f.strList('include') ?? []).includes('TAGS') ? { tags: tagsToList(td.tags, 'key', 'value') } : {}) };
  },
  DeregisterTaskDefinition(input, core) {
    const td = findTaskDefinition(core, new Fields(input, E).str('taskDefinition'));
    if (!td) fail('ClientException', 'Unable to describe task definition.');
    td.status = 'INACTIVE';
    td.deregisteredAt = Date.now();
    core.changed();
    return { taskDefinition: taskDefinitionView(core, td) };
  },
  ListTaskDefinitions(input, core) {
    const f = new Fields(input, E);
    const prefix = f.optStr('familyPrefix');
    const status = f.optStr('status') ?? 'ACTIVE';
    const arns = [...core.state.ecs.taskDefinitions.values()].flat().filter((t) => (!prefix || t.family.startsWith(prefix)) && t.status === status).map((t) => t.arn);
    return { taskDefinitionArns: f.optStr('sort') === 'DESC' ? arns.reverse() : arns };
  },
  ListTaskDefinitionFamilies(input, core) {
    const prefix = new Fields(input, E).optStr('familyPrefix');
    return { families: [...core.state.ecs.taskDefinitions.keys()].filter((f) => !prefix || f.startsWith(prefix)) };
  },
  RunTask(input, core) {
    const f = new Fields(input, E);
    const cluster = requireCluster(core, f.optStr('cluster'));
    const td = findTaskDefinition(core, f.str('taskDefinition'));
    if (!td) fail(E, 'TaskDefinition not found.');
    if (td.body.networkMode === 'awsvpc' && !(f.optObj('networkConfiguration')?.awsvpcConfiguration)) fail(E, "Network Configuration must be provided when networkMode 'awsvpc' is specified.");
    const count = f.optNum('count') ?? 1;
    if (count < 1 || count > 10) fail(E, 'Count must be between 1 and 10.');
    const launchType = f.optStr('launchType');
    const requested = strategy(input.capacityProviderStrategy);
    checkPlacement(core, cluster, requested ?? (launchType || cluster.defaultStrategy.length === 0 ? undefined : cluster.defaultStrategy), launchType, td, f.optObj('networkConfiguration'));
    const tasks = launchTasks(core, cluster, td, {
      count,
      group: f.optStr('group'),
      startedBy: f.optStr('startedBy'),
      launchType,
      capacityProviderStrategy: requested,
      overrides: f.optObj('overrides'),
      tags: tagsFromList(f.objList('tags'), 'key', 'value'),
      networkConfiguration: f.optObj('networkConfiguration'),
    });
    return { tasks: tasks.map(taskView), failures: [] };
  },
  DescribeTasks(input, core) {
    const f = new Fields(input, E);
    const cluster = requireCluster(core, f.optStr('cluster'));
    const tasks: unknown[] = [];
    const failures: unknown[] = [];
    for (const ref of f.strList('tasks') ?? []) {
      const t = findTask(core, cluster, ref);
      if (t && t.clusterArn === cluster.arn) tasks.push(taskView(t));
      else failures.push({ arn: ref, reason: 'MISSING' });
    }
    return { tasks, failures };
  },
  StopTask(input, core) {
    const f = new Fields(input, E);
    const cluster = requireCluster(core, f.optStr('cluster'));
    const task = findTask(core, cluster, f.str('task'));
    if (!task) fail(E, 'The referenced task was not found.');
    requestStop(core, task, f.optStr('reason') ?? 'Task stopped by user', 'UserInitiated');
    return { task: taskView(task) };
  },
  ListTasks(input, core) {
    const f = new Fields(input, E);
    const cluster = requireCluster(core, f.optStr('cluster'));
    const serviceName = f.optStr('serviceName');
    const family = f.optStr('family');
    const startedBy = f.optStr('startedBy');
    const desired = f.optStr('desiredStatus') ?? 'RUNNING';
    if (serviceName && !findService(core, cluster, serviceName)) fail('ServiceNotFoundException', 'Service not found.');
    const tasks = [...core.state.ecs.tasks.values()].filter(
      (t: EcsTask) =>
        t.clusterArn === cluster.arn &&
        t.desiredStatus === desired &&
        (!serviceName || t.group === `service:${serviceName.startsWith('arn:') ? serviceName.slice(serviceName.lastIndexOf('/') + 1) : serviceName}`) &&
        (!family || t.taskDefinitionArn.includes(`task-definition/${family}:`)) &&
        (!startedBy || t.startedBy === startedBy),
    );
    const max = f.optNum('maxResults') ?? 100;
    const start = Number(f.optStr('nextToken') ?? '0') || 0;
    const page = tasks.slice(start, start + max);
    return { taskArns: page.map((t) => t.arn), ...(start + max < tasks.length ? { nextToken: String(start + max) } : {}) };
  },
  CreateService(input, core) {
    const f = new Fields(input, E);
    const cluster = requireCluster(core, f.optStr('cluster'));
    return { service: serviceView(core, createService(core, cluster, input)) };
  },
  UpdateService(input, core) {
    const f = new Fields(input, E);
    const cluster = requireCluster(core, f.optStr('cluster'));
    const service = findService(core, cluster, f.str('service'));
    if (!service) fail('ServiceNotFoundException', 'Service not found.');
    return { service: serviceView(core, updateService(core, service, input)) };
  },
  DeleteService(input, core) {
    const f = new Fields(input, E);
    const cluster = requireCluster(core, f.optStr('cluster'));
    const service = findService(core, cluster, f.str('service'));
    if (!service) fail('ServiceNotFoundException', 'Service not found.');
    return { service: serviceView(core, deleteService(core, service, f.optBool('force') === true)) };
  },
  DescribeServices(input, core) {
    const f = new Fields(input, E);
    const cluster = requireCluster(core, f.optStr('cluster'));
    const services: unknown[] = [];
    const failures: unknown[] = [];
    for (const ref of f.strList('services') ?? []) {
      const s = findService(core, cluster, ref);
      if (s) services.push(serviceView(core, s));
      else failures.push({ arn: ref.startsWith('arn:') ? ref : `arn:aws:ecs:${core.region}:${core.account}:service/${cluster.name}/${ref}`, reason: 'MISSING' });
    }
    return { services, failures };
  },
  ListServices(input, core) {
    const cluster = requireCluster(core, new Fields(input, E).optStr('cluster'));
    return { serviceArns: [...core.state.ecs.services.values()].filter((s) => s.clusterArn === cluster.arn && s.status !== 'INACTIVE').map((s) => s.arn) };
  },
  TagResource(input, core) {
    const f = new Fields(input, E);
    Object.assign(resourceTags(core, f.str('resourceArn')), tagsFromList(f.objList('tags'), 'key', 'value'));
    core.changed();
    return {};
  },
  UntagResource(input, core) {
    const f = new Fields(input, E);
    const tags = resourceTags(core, f.str('resourceArn'));
    for (const key of f.strList('tagKeys') ?? []) delete tags[key];
    core.changed();
    return {};
  },
  ListTagsForResource(input, core) {
    return { tags: tagsToList(resourceTags(core, new Fields(input, E).str('resourceArn')), 'key', 'value') };
  },
};

/** Handles one ECS request. */
export function handleEcs(req: SandboxRequest, core: SandboxCore): Promise<SandboxResponse> {
  return dispatchJson(req, core, ops, 'ECS');
}
