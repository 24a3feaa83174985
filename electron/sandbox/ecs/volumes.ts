/**
 * Task volumes as Fargate mounts them: a task-scoped volume lives and dies with the task; an EFS
 * volume is reached through a mount target in the task's availability zone, whose security
 * groups must let the task's in on NFS (2049) — else the task fails to start with the error ECS
 * gives. Files written there are kept on the access point (or file system root).
 */
import type { SandboxCore } from '../core';
import type { EcsTask, EcsTaskDefinition, StoredFile } from '../state';
import { findGeneric } from '../cloudformation/providers/types';
import { ACCESS_POINT, FILE_SYSTEM, MOUNT_TARGET } from '../cloudformation/providers/efs';
import type { Json } from './store';

interface EfsVolume {
  name: string;
  efsVolumeConfiguration?: { fileSystemId?: string; transitEncryption?: string; authorizationConfig?: { accessPointId?: string; iam?: string } };
}

function efsVolumes(td: EcsTaskDefinition): EfsVolume[] {
  return ((td.body.volumes as EfsVolume[] | undefined) ?? []).filter((v) => v.efsVolumeConfiguration);
}

/** Whether the security groups let one of the task's groups in on NFS. */
function admitsNfs(core: SandboxCore, groups: string[], taskGroups: string[]): boolean {
  for (const id of groups) {
    const sg = findGeneric(core, 'AWS::EC2::SecurityGroup', id);
    for (const rule of (sg?.properties.SecurityGroupIngress as Json[] | undefined) ?? []) {
      const from = Number(rule.FromPort ?? -1);
      const to = Number(rule.ToPort ?? -1);
      const portOk = rule.IpProtocol === '-1' || (from <= 2049 && 2049 <= to);
      if (portOk && (rule.CidrIp !== undefined || taskGroups.includes(String(rule.SourceSecurityGroupId)))) return true;
    }
  }
  return false;
}

/** Why the task cannot mount its EFS volumes, in ECS's words; undefined when it can. */
export function efsMountFailure(core: SandboxCore, td: EcsTaskDefinition, task: EcsTask): string | undefined {
  for (const v of efsVolumes(td)) {
    const config = v.efsVolumeConfiguration!;
    const fs = String(config.fileSystemId ?? '');
    const dns = `${fs}.efs.${core.region}.amazonaws.com`;
    if (!findGeneric(core, FILE_SYSTEM, fs)) return `ResourceInitializationError: failed to invoke EFS utils commands to set up EFS volumes: stderr: Failed to resolve "${dns}" - check that your file system ID is correct.`;
    const targets = [...core.state.resources.values()].filter((r) => r.type === MOUNT_TARGET && r.properties.FileSystemId === fs);
    const inZone = targets.find((r) => String(findGeneric(core, 'AWS::EC2::Subnet', String(r.properties.SubnetId))?.attributes.AvailabilityZone) === task.availabilityZone);
    if (!inZone) {
      return `ResourceInitializationError: failed to invoke EFS utils commands to set up EFS volumes: stderr: Failed to resolve "${dns}" - check that your file system ID is correct, and ensure that the VPC has an EFS mount target for this file system ID. See https://docs.aws.amazon.com/console/efs/mount-dns-name for more detail. Attempting to lookup mount target ip address using botocore. Failed to import necessary dependency botocore, please install botocore first. : unsuccessful EFS utils command execution; code: 1`;
    }
    if (!admitsNfs(core, ((inZone.properties.SecurityGroups as unknown[]) ?? []).map(String), task.network?.securityGroups ?? [])) {
      return `ResourceInitializationError: failed to invoke EFS utils commands to set up EFS volumes: stderr: Mount attempt 1/3 failed due to timeout after 15 sec, wait 0 sec before next attempt. Mount attempt 2/3 failed due to timeout after 15 sec, wait 0 sec before next attempt. b'mount.nfs4: Connection timed out' : unsuccessful EFS utils command execution; code: 32`;
    }
    const ap = config.authorizationConfig?.accessPointId;
    if (ap && !findGeneric(core, ACCESS_POINT, ap)) return `ResourceInitializationError: failed to invoke EFS utils commands to set up EFS volumes: stderr: access point ${ap} does not exist`;
  }
  return undefined;
}

/** Where a volume's files are kept — `<file system>:<folder>` (an access point's root, else /) — undefined for a task volume. */
export function efsStore(core: SandboxCore, td: EcsTaskDefinition, volume: string): string | undefined {
  const v = efsVolumes(td).find((x) => x.name === volume);
  if (!v) return undefined;
  const fs = String(v.efsVolumeConfiguration!.fileSystemId);
  const ap = v.efsVolumeConfiguration!.authorizationConfig?.accessPointId;
  const root = ap ? ((findGeneric(core, ACCESS_POINT, ap)?.properties.RootDirectory as { Path?: string } | undefined)?.Path ?? '/') : '/';
  return `${fs}:${root}`;
}

/** Keeps one written file on EFS. */
export function keepOnEfs(core: SandboxCore, store: string, file: StoredFile): void {
  const files = (core.state.efs.files.get(store) ?? []).filter((f) => f.path !== file.path);
  core.state.efs.files.set(store, [...files, file]);
  core.changed();
}
