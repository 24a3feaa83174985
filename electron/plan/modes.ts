/** What each deployment mode means for the project stack (DESIGN.md §2 "Deployment modes"). */
import type { DeploymentMode } from '../../shared/domain/plan';

export interface ModeSettings {
  /** Capacity provider for amd64 services (Fargate Spot has no arm64 capacity). */
  capacity: 'FARGATE' | 'FARGATE_SPOT';
  /** Containers in private subnets behind NAT (true) or public subnets with a public IP. */
  privateSubnets: boolean;
  /** Replicas are raised to at least this many (services written with 0 stay stopped). */
  minReplicas: number;
  postgresInstanceClass: string;
  postgresMultiAz: boolean;
  postgresBackupDays: number;
  redisNodeType: string;
  redisNodes: number;
  /** A human sentence the preview shows next to the mode. */
  summary: string;
}

export const MODE_SETTINGS: Record<DeploymentMode, ModeSettings> = {
  affordable: {
    capacity: 'FARGATE_SPOT',
    privateSubnets: false,
    minReplicas: 1,
    postgresInstanceClass: 'db.t4g.micro',
    postgresMultiAz: false,
    postgresBackupDays: 1,
    redisNodeType: 'cache.t4g.micro',
    redisNodes: 1,
    summary: 'Spot capacity (tasks can be interrupted and restarted), smallest database and cache, one zone',
  },
  balanced: {
    capacity: 'FARGATE',
    privateSubnets: false,
    minReplicas: 1,
    postgresInstanceClass: 'db.t4g.small',
    postgresMultiAz: false,
    postgresBackupDays: 7,
    redisNodeType: 'cache.t4g.micro',
    redisNodes: 1,
    summary: 'Regular Fargate capacity, small database and cache, one zone',
  },
  high_availability: {
    capacity: 'FARGATE',
    privateSubnets: true,
    minReplicas: 2,
    postgresInstanceClass: 'db.t4g.small',
    postgresMultiAz: true,
    postgresBackupDays: 7,
    redisNodeType: 'cache.t4g.small',
    redisNodes: 2,
    summary: 'At least two copies of every service, private subnets behind NAT, Multi-AZ database, cache with failover',
  },
};

/** How many tasks a service runs in a mode. */
export function replicasFor(mode: DeploymentMode, written: number): number {
  return written === 0 ? 0 : Math.max(written, MODE_SETTINGS[mode].minReplicas);
}

/** The capacity provider a service runs on: Fargate Spot only for amd64 in affordable mode. */
export function capacityFor(mode: DeploymentMode, platform: 'linux/amd64' | 'linux/arm64'): 'FARGATE' | 'FARGATE_SPOT' {
  return platform === 'linux/arm64' ? 'FARGATE' : MODE_SETTINGS[mode].capacity;
}
