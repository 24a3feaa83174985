/**
 * RDS DB instances and DB snapshots as the sandbox keeps them (recorded resources CloudFormation
 * made, plus the snapshots CreateDBSnapshot and final snapshots add), shared by the RDS API and
 * the CloudFormation provider that restores from them.
 */
import type { SandboxCore } from '../core';
import { fail } from '../errors';
import type { GenericResource } from '../state';
import { beingSnapshotted, capture, dataOf, DB_INSTANCE, DB_SNAPSHOT, registerSnapshot, snapshotReady, storeVpc } from '../stores/lineage';

/** RDS identifiers: a letter first, then letters, digits and single hyphens, no hyphen last. */
const IDENTIFIER = /^[a-z](?!.*--)[a-z0-9-]{0,254}(?<!-)$/i;

export function dbSnapshotArn(core: SandboxCore, name: string): string {
  return `arn:aws:rds:${core.region}:${core.account}:snapshot:${name}`;
}

/** A DB instance by identifier (RDS stores identifiers in lowercase). */
export function findDbInstance(core: SandboxCore, id: string): GenericResource | undefined {
  const wanted = id.toLowerCase();
  for (const r of core.state.resources.values()) if (r.type === DB_INSTANCE && r.region === core.region && r.physicalId === wanted) return r;
  return undefined;
}

/** A DB snapshot by identifier or ARN. */
export function findDbSnapshot(core: SandboxCore, idOrArn: string): GenericResource | undefined {
  const name = (idOrArn.startsWith('arn:') ? idOrArn.split(':snapshot:')[1] ?? '' : idOrArn).toLowerCase();
  const found = core.state.resources.get(dbSnapshotArn(core, name));
  return found?.type === DB_SNAPSHOT ? found : undefined;
}

/** Every DB snapshot in the sandbox's Region. */
export function dbSnapshots(core: SandboxCore): GenericResource[] {
  return [...core.state.resources.values()].filter((r) => r.type === DB_SNAPSHOT && r.region === core.region);
}

/** `creating` until the instance is up, `backing-up` while a snapshot of it is taken, else `available`. */
export function dbInstanceStatus(core: SandboxCore, db: GenericResource): string {
  if (Date.now() < dataOf(core, db).availableAt) return 'creating';
  return beingSnapshotted(core, db) ? 'backing-up' : 'available';
}

/** `creating` until the simulated snapshot time has passed, then `available`. */
export function dbSnapshotStatus(snapshot: GenericResource): string {
  return snapshot.snapshot && !snapshotReady(snapshot.snapshot) ? 'creating' : 'available';
}

/** The instance's settings as RDS reports them: the template's, over those a restore inherited from its snapshot. */
export function dbSettings(core: SandboxCore, db: GenericResource): Record<string, unknown> {
  const p = db.properties;
  const defined = Object.fromEntries(['Engine', 'EngineVersion', 'MasterUsername', 'DBName', 'StorageEncrypted', 'KmsKeyId', 'AllocatedStorage', 'StorageType', 'LicenseModel'].filter((k) => p[k] !== undefined && p[k] !== '').map((k) => [k, p[k]]));
  const settings: Record<string, unknown> = { Engine: 'postgres', StorageEncrypted: false, ...(db.data?.inherited ?? {}), ...defined };
  return { ...settings, Port: db.attributes['Endpoint.Port'], VpcId: storeVpc(core, db), AvailabilityZone: p.AvailabilityZone ?? `${core.region}a`, DbiResourceId: db.attributes.DbiResourceId, InstanceCreateTime: db.createdAt };
}

/** Refuses an identifier RDS would not accept, with RDS's wording. */
export function requireIdentifier(parameter: string, value: string): void {
  if (!IDENTIFIER.test(value)) fail('InvalidParameterValue', `The parameter ${parameter} is not a valid identifier. Identifiers must begin with a letter; must contain only ASCII letters, digits, and hyphens; and must not end with a hyphen or contain two consecutive hyphens.`);
}

/** Records a DB snapshot of `db`: CreateDBSnapshot's (`timed`, `creating` for a while) or a final one (`now`). */
export function recordDbSnapshot(core: SandboxCore, db: GenericResource, name: string, tags: Record<string, string>, when: 'now' | 'timed'): GenericResource {
  const id = name.toLowerCase();
  return registerSnapshot(core, DB_SNAPSHOT, dbSnapshotArn(core, id), id, capture(core, db, dbSettings(core, db), when), tags);
}

/** CreateDBSnapshot: the instance must exist and be available, the name must be free. */
export function createDbSnapshot(core: SandboxCore, instanceId: string, name: string, tags: Record<string, string>): GenericResource {
  requireIdentifier('DBSnapshotIdentifier', name);
  const db = findDbInstance(core, instanceId);
  if (!db) fail('DBInstanceNotFound', `DBInstance not found: ${instanceId}`, 404);
  if (findDbSnapshot(core, name)) fail('DBSnapshotAlreadyExists', `Cannot create the snapshot because a snapshot with the identifier ${name.toLowerCase()} already exists.`);
  if (dbInstanceStatus(core, db) !== 'available') fail('InvalidDBInstanceState', `Cannot create a snapshot because the database instance ${db.physicalId} is not currently in the available state.`);
  // Without tags of its own a snapshot gets the instance's when CopyTagsToSnapshot is on, as RDS copies them.
  const copy = db.properties.CopyTagsToSnapshot === true || db.properties.CopyTagsToSnapshot === 'true';
  return recordDbSnapshot(core, db, name, Object.keys(tags).length === 0 && copy ? { ...db.tags } : tags, 'timed');
}

/** The snapshot a new instance restores from: it must exist and be complete. */
export function requireRestorableDbSnapshot(core: SandboxCore, idOrArn: string): GenericResource {
  const snapshot = findDbSnapshot(core, idOrArn);
  if (!snapshot?.snapshot) fail('DBSnapshotNotFound', `DBSnapshot not found: ${idOrArn}`, 404);
  if (!snapshotReady(snapshot.snapshot)) fail('InvalidDBSnapshotState', `DBSnapshot ${snapshot.physicalId} is not in available state (it is creating).`);
  return snapshot;
}
