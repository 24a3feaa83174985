/** Everything Berth owns in an account and region, and what teardown does. */

export interface InventoryResource {
  logicalId: string;
  physicalId: string;
  type: string;
  status: string;
  consoleUrl?: string;
}

export interface InventoryStack {
  stackName: string;
  kind: 'bootstrap' | 'project';
  project?: string;
  status: string;
  lastUpdated: string;
  resources: InventoryResource[];
  monthlyUsd?: number;
  consoleUrl?: string;
  /** Why this stack's resources could not be read (the rest of the inventory still is). */
  error?: string;
}

export interface TaggedResource {
  arn: string;
  type: string;
  project?: string;
  /** True when tagged for a project whose stack no longer exists. */
  leftover: boolean;
  consoleUrl?: string;
}

export interface Inventory {
  account: string;
  region: string;
  stacks: InventoryStack[];
  outside: TaggedResource[];
  leftovers: TaggedResource[];
  /** Database (RDS) and cache (ElastiCache) snapshots: final ones CloudFormation kept, and those a store move took. */
  snapshots: { id: string; project?: string; createdAt?: string; kind?: 'database' | 'cache' }[];
  /** EFS file systems of named volumes kept after a teardown (their data is still there). */
  volumes?: { id: string; project?: string }[];
}

export interface TeardownOptions {
  project: string;
  deleteConfig: boolean;
  deleteUploads: boolean;
  deleteVolumes?: boolean;
}

export type TeardownEvent =
  | { type: 'step'; target: string; step: string; state: 'running' | 'done' | 'failed' | 'skipped'; message?: string }
  | { type: 'stack-event'; target: string; event: import('./deploy').StackEvent }
  | { type: 'finished'; target: string; ok: boolean; message: string; leftBehind: string[] };
