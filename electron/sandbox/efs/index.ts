/**
 * Amazon EFS's REST API (restJson1, `/2015-02-01/...`) for what Berth calls after a stack is
 * gone: describing the file systems and mount targets it kept, and deleting a file system —
 * refused with FileSystemInUse while a mount target is left, as EFS refuses it.
 */
import type { SandboxCore } from '../core';
import { fail } from '../errors';
import type { SandboxRequest, SandboxResponse } from '../http';
import type { GenericResource } from '../state';
import { FILE_SYSTEM, MOUNT_TARGET } from '../cloudformation/providers/efs';

const BASE = '/2015-02-01/';

function json(status: number, body?: unknown): SandboxResponse {
  return { status, headers: { 'content-type': 'application/json' }, body: body === undefined ? '' : JSON.stringify(body) };
}

function fileSystems(core: SandboxCore): GenericResource[] {
  return [...core.state.resources.values()].filter((r) => r.type === FILE_SYSTEM && r.region === core.region);
}

function mountTargets(core: SandboxCore, fs: string): GenericResource[] {
  return [...core.state.resources.values()].filter((r) => r.type === MOUNT_TARGET && r.properties.FileSystemId === fs);
}

function fileSystemView(core: SandboxCore, r: GenericResource) {
  const tags = Object.entries(r.tags).map(([Key, Value]) => ({ Key, Value }));
  return {
    OwnerId: core.account,
    CreationToken: r.physicalId,
    FileSystemId: r.physicalId,
    FileSystemArn: r.arn,
    CreationTime: Math.floor(r.createdAt / 1000),
    LifeCycleState: 'available',
    ...(r.tags.Name ? { Name: r.tags.Name } : {}),
    NumberOfMountTargets: mountTargets(core, r.physicalId).length,
    SizeInBytes: { Value: 6144 },
    PerformanceMode: String(r.properties.PerformanceMode ?? 'generalPurpose'),
    Encrypted: r.properties.Encrypted === true || r.properties.Encrypted === 'true',
    ThroughputMode: String(r.properties.ThroughputMode ?? 'bursting'),
    Tags: tags,
  };
}

function requireFileSystem(core: SandboxCore, id: string): GenericResource {
  const found = fileSystems(core).find((r) => r.physicalId === id);
  if (!found) fail('FileSystemNotFound', `File system '${id}' does not exist.`, 404);
  return found;
}

/** The operation a request names, for request counts and fault knobs. */
export function efsOperationName(req: Pick<SandboxRequest, 'method' | 'path'>): string {
  const rest = req.path.startsWith(BASE) ? req.path.slice(BASE.length) : req.path;
  if (rest.startsWith('file-systems')) return req.method === 'DELETE' ? 'DeleteFileSystem' : 'DescribeFileSystems';
  if (rest.startsWith('mount-targets')) return 'DescribeMountTargets';
  return 'Unknown';
}

export async function handleEfs(req: SandboxRequest, core: SandboxCore): Promise<SandboxResponse> {
  const op = efsOperationName(req);
  if (op === 'DescribeFileSystems') {
    const id = req.query.get('FileSystemId');
    const list = id ? [requireFileSystem(core, id)] : fileSystems(core);
    return json(200, { FileSystems: list.map((r) => fileSystemView(core, r)) });
  }
  if (op === 'DescribeMountTargets') {
    const id = req.query.get('FileSystemId');
    if (!id) fail('BadRequest', 'You must specify exactly one of FileSystemId, MountTargetId or AccessPointId.');
    requireFileSystem(core, id);
    return json(200, {
      MountTargets: mountTargets(core, id).map((m) => ({ OwnerId: core.account, MountTargetId: m.physicalId, FileSystemId: id, SubnetId: String(m.properties.SubnetId), LifeCycleState: 'available', IpAddress: String(m.attributes.IpAddress ?? '') })),
    });
  }
  if (op === 'DeleteFileSystem') {
    const id = decodeURIComponent(req.path.slice(`${BASE}file-systems/`.length));
    const fs = requireFileSystem(core, id);
    if (mountTargets(core, id).length > 0) fail('FileSystemInUse', `File system '${id}' has mount targets.`, 409);
    core.state.resources.delete(fs.arn);
    // Its files go with it.
    for (const key of [...core.state.efs.files.keys()]) if (key.startsWith(`${id}:`)) core.state.efs.files.delete(key);
    core.changed();
    return json(204);
  }
  fail('UnknownOperationException', `The Berth sandbox does not implement EFS ${req.method} ${req.path}.`);
}
