/**
 * Named volumes on Amazon EFS: one encrypted file system per project (kept when the stack goes,
 * like a database snapshot), mount targets in the project's private subnets of both zones, a
 * firewall that admits NFS only from the project's services, and an access point per volume so
 * each volume is its own folder. Tasks mount with TLS and the task role's IAM authorisation.
 */
import type { ServiceModel } from '../../shared/domain/project';
import { getAtt, ref, type PolicyStatement } from './cfn';
import type { Network } from './network';
import { idPart } from './names';
import type { ResourceNote, TemplateBuilder } from './stack';

const NFS_PORT = 2049;

export interface FileSystemPlan {
  /** Logical ids the services wait for before their tasks mount. */
  ready: string[];
  accessPoint(volume: string): string;
}

/** Adds the file system, its firewall, mount targets and access points; undefined when no volume is used. */
export function addFileSystem(b: TemplateBuilder, project: string, volumes: readonly string[], network: Network, tags: unknown, note: (description: string, why: string) => ResourceNote): FileSystemPlan | undefined {
  if (volumes.length === 0) return undefined;
  b.add(
    'FileSystem',
    {
      Type: 'AWS::EFS::FileSystem',
      // The data is the point of a volume: deleting the stack (or replacing the file system) keeps it.
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        Encrypted: true,
        PerformanceMode: 'generalPurpose',
        ThroughputMode: 'elastic',
        BackupPolicy: { Status: 'ENABLED' },
        FileSystemTags: tags,
      },
    },
    note(`Encrypted file system for ${volumes.join(', ')}`, 'Named volumes keep their data when tasks are replaced, as compose volumes do; it is kept when the project is torn down unless you delete it'),
  );
  b.add(
    'FileSystemSecurityGroup',
    {
      Type: 'AWS::EC2::SecurityGroup',
      Properties: {
        GroupDescription: `${project}: volumes, reachable from the services only`,
        VpcId: network.vpc,
        SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: NFS_PORT, ToPort: NFS_PORT, SourceSecurityGroupId: getAtt('ServiceSecurityGroup', 'GroupId'), Description: 'NFS from the services' }],
        Tags: tags,
      },
    },
    note('Firewall of the volumes', `Only the project’s services may mount them (NFS, port ${NFS_PORT})`),
  );
  const ready: string[] = [];
  network.privateSubnets.forEach((subnet, i) => {
    const id = `FileSystemMountTarget${i + 1}`;
    b.add(
      id,
      { Type: 'AWS::EFS::MountTarget', Properties: { FileSystemId: ref('FileSystem'), SubnetId: subnet, SecurityGroups: [getAtt('FileSystemSecurityGroup', 'GroupId')] } },
      note(`Volume access point in availability zone ${i + 1}`, 'Tasks in this zone reach the volumes through it'),
    );
    ready.push(id);
  });
  for (const volume of volumes) {
    b.add(
      accessPointId(volume),
      {
        Type: 'AWS::EFS::AccessPoint',
        Properties: {
          FileSystemId: ref('FileSystem'),
          // Each volume its own folder; open to whatever user the image runs as, as a fresh compose volume is.
          RootDirectory: { Path: `/volumes/${volume}`, CreationInfo: { OwnerUid: '0', OwnerGid: '0', Permissions: '0777' } },
          AccessPointTags: tags,
        },
      },
      note(`Volume ${volume}`, `The folder /volumes/${volume} of the file system, mounted where the services mount ${volume}`),
    );
  }
  return { ready, accessPoint: accessPointId };
}

function accessPointId(volume: string): string {
  return `${idPart(volume)}VolumeAccessPoint`;
}

/** A service's task volumes and mount points for its named volumes (ECS's EFS volume configuration). */
export function serviceVolumes(service: ServiceModel, fs: FileSystemPlan | undefined): { volumes: unknown[]; mountPoints: unknown[]; statements: PolicyStatement[] } {
  const mounts = service.volumes ?? [];
  if (!fs || mounts.length === 0) return { volumes: [], mountPoints: [], statements: [] };
  const names = [...new Set(mounts.map((m) => m.volume))].sort();
  return {
    volumes: names.map((v) => ({
      Name: `volume-${v}`,
      EFSVolumeConfiguration: { FilesystemId: ref('FileSystem'), TransitEncryption: 'ENABLED', AuthorizationConfig: { AccessPointId: ref(fs.accessPoint(v)), IAM: 'ENABLED' } },
    })),
    mountPoints: mounts.map((m) => ({ SourceVolume: `volume-${m.volume}`, ContainerPath: m.path, ReadOnly: m.readOnly })),
    statements: [
      {
        Sid: 'MountVolumes',
        Effect: 'Allow',
        Action: mounts.every((m) => m.readOnly) ? ['elasticfilesystem:ClientMount'] : ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite'],
        Resource: [getAtt('FileSystem', 'Arn')],
        Condition: { StringEquals: { 'elasticfilesystem:AccessPointArn': names.map((v) => getAtt(fs.accessPoint(v), 'Arn')) } },
      },
    ],
  };
}
