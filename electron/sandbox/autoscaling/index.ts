/**
 * Amazon EC2 Auto Scaling over the query protocol (`http://autoscaling.amazonaws.com/doc/2011-01-01/`):
 * DescribeAutoScalingGroups (instances with their lifecycle state), DescribeAutoScalingInstances,
 * DescribeScalingActivities (successful and failed launches in AWS's words) and SetDesiredCapacity.
 * Groups themselves come from CloudFormation; ECS managed scaling moves their desired capacity.
 */
import type { SandboxCore } from '../core';
import { fail } from '../errors';
import type { SandboxRequest, SandboxResponse } from '../http';
import { bool, list, parseQuery, queryResponse, str, type QueryInput } from '../protocol/query';
import type { XmlValue } from '../protocol/xml';
import type { AutoScalingActivity, AutoScalingGroup, Ec2Instance } from '../state';
import { findLaunchTemplate } from '../ec2/launch-templates';
import { causeTime, setDesired } from './groups';

export const AUTOSCALING_NAMESPACE = 'http://autoscaling.amazonaws.com/doc/2011-01-01/';

const iso = (ms: number) => new Date(ms).toISOString();

function lifecycle(i: Ec2Instance): string {
  if (i.state === 'pending') return 'Pending';
  if (i.state === 'running') return 'InService';
  return i.state === 'shutting-down' ? 'Terminating' : 'Terminated';
}

function templateRef(core: SandboxCore, id: string, version: string): { [key: string]: XmlValue } {
  return { LaunchTemplateId: id, LaunchTemplateName: findLaunchTemplate(core, id)?.name, Version: version };
}

function instancesOf(core: SandboxCore, group: AutoScalingGroup): Ec2Instance[] {
  return [...core.state.ec2.instances.values()].filter((i) => i.autoScalingGroup === group.name && i.state !== 'terminated').sort((a, b) => a.launchedAt - b.launchedAt);
}

function instanceView(core: SandboxCore, i: Ec2Instance, group: AutoScalingGroup, withGroup: boolean): { [key: string]: XmlValue } {
  return {
    InstanceId: i.id,
    InstanceType: i.type,
    ...(withGroup ? { AutoScalingGroupName: group.name } : {}),
    AvailabilityZone: i.availabilityZone,
    LifecycleState: lifecycle(i),
    HealthStatus: withGroup ? 'HEALTHY' : 'Healthy',
    ...(i.launchTemplate ? { LaunchTemplate: templateRef(core, i.launchTemplate.id, i.launchTemplate.version) } : {}),
    ProtectedFromScaleIn: group.newInstancesProtectedFromScaleIn,
  };
}

function groupView(core: SandboxCore, g: AutoScalingGroup): { [key: string]: XmlValue } {
  return {
    AutoScalingGroupName: g.name,
    AutoScalingGroupARN: g.arn,
    LaunchTemplate: templateRef(core, g.launchTemplate.id, g.launchTemplate.version),
    MinSize: g.minSize,
    MaxSize: g.maxSize,
    DesiredCapacity: g.desiredCapacity,
    DefaultCooldown: g.defaultCooldown,
    AvailabilityZones: g.availabilityZones,
    LoadBalancerNames: [],
    TargetGroupARNs: [],
    HealthCheckType: g.healthCheckType,
    HealthCheckGracePeriod: g.healthCheckGracePeriod,
    Instances: instancesOf(core, g).map((i) => instanceView(core, i, g, false)),
    CreatedTime: iso(g.createdAt),
    SuspendedProcesses: [],
    VPCZoneIdentifier: g.subnets.join(','),
    EnabledMetrics: [],
    ...(g.status ? { Status: g.status } : {}),
    Tags: g.tags.map((t) => ({ ResourceId: g.name, ResourceType: 'auto-scaling-group', Key: t.key, Value: t.value, PropagateAtLaunch: t.propagateAtLaunch })),
    TerminationPolicies: ['Default'],
    NewInstancesProtectedFromScaleIn: g.newInstancesProtectedFromScaleIn,
    ServiceLinkedRoleARN: `arn:aws:iam::${core.account}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`,
    CapacityRebalance: false,
  };
}

function activityView(a: AutoScalingActivity): { [key: string]: XmlValue } {
  return {
    ActivityId: a.id,
    AutoScalingGroupName: a.groupName,
    Description: a.description,
    Cause: a.cause,
    StartTime: iso(a.startTime),
    ...(a.endTime !== undefined ? { EndTime: iso(a.endTime) } : {}),
    StatusCode: a.statusCode,
    ...(a.statusMessage ? { StatusMessage: a.statusMessage } : {}),
    Progress: a.progress,
    Details: a.details,
    AutoScalingGroupARN: a.groupArn,
  };
}

const strings = (input: QueryInput, key: string) => list(input, key).filter((v): v is string => typeof v === 'string');

/** MaxRecords and NextToken paging (the token is the position to resume from). */
function page<T>(items: T[], input: QueryInput, fallback: number): { items: T[]; next?: string } {
  const max = Number(str(input, 'MaxRecords') ?? fallback);
  if (!Number.isInteger(max) || max < 1 || max > 100) fail('ValidationError', `1 validation error detected: Value '${str(input, 'MaxRecords')}' at 'maxRecords' failed to satisfy constraint: Member must have value less than or equal to 100`);
  const start = Number(str(input, 'NextToken') ?? '0');
  if (!Number.isInteger(start) || start < 0) fail('InvalidNextToken', 'The token is invalid.');
  return { items: items.slice(start, start + max), ...(start + max < items.length ? { next: String(start + max) } : {}) };
}

type Operation = (input: QueryInput, core: SandboxCore) => { [key: string]: XmlValue } | undefined;

const ops: Record<string, Operation> = {
  DescribeAutoScalingGroups(input, core) {
    const names = strings(input, 'AutoScalingGroupNames');
    const groups = [...core.state.autoscaling.groups.values()].filter((g) => names.length === 0 || names.includes(g.name)).sort((a, b) => a.name.localeCompare(b.name));
    const { items, next } = page(groups, input, 50);
    return { AutoScalingGroups: items.map((g) => groupView(core, g)), ...(next ? { NextToken: next } : {}) };
  },
  DescribeAutoScalingInstances(input, core) {
    const ids = strings(input, 'InstanceIds');
    const out: { [key: string]: XmlValue }[] = [];
    for (const g of core.state.autoscaling.groups.values()) for (const i of instancesOf(core, g)) if (ids.length === 0 || ids.includes(i.id)) out.push(instanceView(core, i, g, true));
    const { items, next } = page(out, input, 50);
    return { AutoScalingInstances: items, ...(next ? { NextToken: next } : {}) };
  },
  DescribeScalingActivities(input, core) {
    const name = str(input, 'AutoScalingGroupName');
    const ids = strings(input, 'ActivityIds');
    const deleted = bool(input, 'IncludeDeletedGroups') === true;
    const live = (a: AutoScalingActivity) => core.state.autoscaling.groups.get(a.groupName)?.arn === a.groupArn;
    const activities = [...core.state.autoscaling.activities]
      .reverse()
      .filter((a) => (!name || a.groupName === name) && (ids.length === 0 || ids.includes(a.id)) && (deleted || live(a)));
    const { items, next } = page(activities, input, 100);
    return { Activities: items.map(activityView), ...(next ? { NextToken: next } : {}) };
  },
  SetDesiredCapacity(input, core) {
    const name = str(input, 'AutoScalingGroupName') ?? '';
    const group = core.state.autoscaling.groups.get(name);
    if (!group) fail('ValidationError', `AutoScalingGroup name not found - AutoScalingGroup ${name} not found`);
    const desired = Number(str(input, 'DesiredCapacity'));
    if (desired > group.maxSize) fail('ValidationError', `New SetDesiredCapacity value ${desired} is above max value ${group.maxSize} for the AutoScalingGroup.`);
    if (desired < group.minSize) fail('ValidationError', `New SetDesiredCapacity value ${desired} is below min value ${group.minSize} for the AutoScalingGroup.`);
    setDesired(core, group, desired, `At ${causeTime(Date.now())} a user request explicitly set group desired capacity changing the desired capacity from ${group.desiredCapacity} to ${desired}.`);
    core.kickEcs();
    return undefined;
  },
};

/** Handles one Auto Scaling request. */
export async function handleAutoScaling(req: SandboxRequest, core: SandboxCore): Promise<SandboxResponse> {
  const { action, input } = parseQuery(req.body.toString('utf8'));
  const op = Object.prototype.hasOwnProperty.call(ops, action) ? ops[action] : undefined;
  if (!op) fail('InvalidAction', `Auto Scaling ${action || '(no action)'} is not supported by the Berth sandbox.`);
  return queryResponse(action, AUTOSCALING_NAMESPACE, op(input, core), req.requestId);
}
