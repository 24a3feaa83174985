/** GPU instances as the planner picks and starts them. */
import { describe, expect, it } from 'vitest';
import { GPU_INSTANCE_TYPES, gpuInstanceFor, registeredMemoryMiB } from '../../electron/plan/gpu';
import { planProject } from '../../electron/plan/project';
import { project, service } from './fixtures';

describe('GPU instances', () => {
  it('fits a task in the memory ECS registers, not the type’s nominal memory', () => {
    const xlarge = GPU_INSTANCE_TYPES.find((t) => t.type === 'g4dn.xlarge')!;
    expect(registeredMemoryMiB(xlarge)).toBe(15970);
    expect(gpuInstanceFor({ count: 1, cpu: 1024, memory: 15970 })!.type).toBe('g4dn.xlarge');
    expect(gpuInstanceFor({ count: 1, cpu: 1024, memory: 15971 })!.type).toBe('g4dn.2xlarge');
    // 63 GiB fits nominally on a 4xlarge (64 GiB) but not in what it registers (63,880 MiB).
    expect(gpuInstanceFor({ count: 1, cpu: 1024, memory: 64_512 })!.type).toBe('g4dn.8xlarge');
    expect(gpuInstanceFor({ count: 4, cpu: 1024, memory: 4096 })!.type).toBe('g4dn.12xlarge');
    expect(gpuInstanceFor({ count: 8, cpu: 96 * 1024 + 1, memory: 4096 })).toBeUndefined();
  });

  it('starts instances that join the GPU cluster with GPU support, and keep the instance’s credentials from awsvpc tasks', () => {
    const p = project('vision', [service('infer', { image: 'example/infer:1', gpu: { count: 1, cpu: 1024, memory: 4096 } })]);
    const template = planProject(p, { mode: 'balanced', region: 'us-east-1', preflight: false }).stacks.find((s) => s.stackName === 'berth-vision')!.template as { Resources: Record<string, { Type: string; Properties: { LaunchTemplateData?: Record<string, unknown> } }> };
    const [launch] = Object.values(template.Resources).filter((r) => r.Type === 'AWS::EC2::LaunchTemplate');
    const data = launch!.Properties.LaunchTemplateData!;
    expect(data.MetadataOptions).toEqual({ HttpTokens: 'required', HttpPutResponseHopLimit: 1, HttpEndpoint: 'enabled' });
    const script = ((data.UserData as { 'Fn::Base64': { 'Fn::Sub': string } })['Fn::Base64']['Fn::Sub']).split('\n');
    expect(script).toEqual(['#!/bin/bash', 'echo ECS_CLUSTER=${InferGpuCluster} >> /etc/ecs/ecs.config', 'echo ECS_ENABLE_GPU_SUPPORT=true >> /etc/ecs/ecs.config', 'echo ECS_AWSVPC_BLOCK_IMDS=true >> /etc/ecs/ecs.config', '']);
  });

  it('gives each GPU service its own cluster and capacity provider association, so one can be removed alone', () => {
    const p = project('vision', [
      service('infer', { image: 'example/infer:1', gpu: { count: 1, cpu: 1024, memory: 4096 } }),
      service('embed.v2', { image: 'example/embed:1', gpu: { count: 1, cpu: 1024, memory: 4096 } }),
      service('web', { image: 'example/web:1' }),
    ]);
    const template = planProject(p, { mode: 'balanced', region: 'us-east-1', preflight: false }).stacks.find((s) => s.stackName === 'berth-vision')!.template as { Resources: Record<string, { Type: string; DependsOn?: string[]; Properties: Record<string, unknown> }> };
    const of = (type: string) => Object.entries(template.Resources).filter(([, r]) => r.Type === type);
    expect(of('AWS::ECS::Cluster').map(([id, r]) => [id, r.Properties.ClusterName])).toEqual([
      ['EmbedV27212D0GpuCluster', 'berth-vision-gpu-embed-v2'],
      ['InferGpuCluster', 'berth-vision-gpu-infer'],
    ]);
    expect(of('AWS::ECS::ClusterCapacityProviderAssociations').map(([id, r]) => [id, r.Properties.Cluster, r.Properties.CapacityProviders])).toEqual([
      ['EmbedV27212D0CapacityProviders', { Ref: 'EmbedV27212D0GpuCluster' }, [{ Ref: 'EmbedV27212D0CapacityProvider' }]],
      ['InferCapacityProviders', { Ref: 'InferGpuCluster' }, [{ Ref: 'InferCapacityProvider' }]],
    ]);
    const infer = template.Resources.InferService!;
    expect(infer.Properties.Cluster).toEqual({ Ref: 'InferGpuCluster' });
    expect(infer.DependsOn).toContain('InferCapacityProviders');
    expect(template.Resources.WebService!.Properties.Cluster).toEqual({ Ref: 'ClusterName' });
  });
});
