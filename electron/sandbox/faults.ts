/**
 * Fault knobs for reliability tests: per service (or `*` for all), added latency and the rates
 * at which requests are throttled, fail with a 5xx, have their connection reset, or are denied.
 */
import type { ServiceName } from './http';

export interface ServiceFaults {
  /** Milliseconds added before every response. */
  latencyMs?: number;
  /** Share of requests (0..1) answered with the service's throttling error (`ThrottlingException`, S3 `SlowDown`, query `Throttling`). */
  throttleRate?: number;
  /** Share of requests (0..1) answered with a 500 internal error. */
  errorRate?: number;
  /** Share of requests (0..1) whose connection is reset without an answer. */
  resetRate?: number;
  /** Deny every operation (`true`) or only these operation names (`['GetParameter']`) with AccessDenied. */
  accessDenied?: boolean | string[];
  /** EC2 only: instance types an Auto Scaling group cannot launch for want of capacity (InsufficientInstanceCapacity). */
  insufficientCapacity?: string[];
}

/** Faults by service signing name; `*` applies to every service that has no entry of its own. */
export type FaultConfig = Partial<Record<ServiceName | '*', ServiceFaults>>;

export type FaultDecision = { kind: 'none' } | { kind: 'throttle' } | { kind: 'error' } | { kind: 'reset' } | { kind: 'deny' };

/** The faults that apply to one service. */
export function faultsFor(config: FaultConfig, service: ServiceName): ServiceFaults {
  return config[service] ?? config['*'] ?? {};
}

/** Decides what happens to one request; `random` is injectable so tests can be exact. */
export function decideFault(faults: ServiceFaults, operation: string, random: () => number = Math.random): FaultDecision {
  const denied = faults.accessDenied;
  if (denied === true || (Array.isArray(denied) && denied.includes(operation))) return { kind: 'deny' };
  if (hit(faults.resetRate, random)) return { kind: 'reset' };
  if (hit(faults.throttleRate, random)) return { kind: 'throttle' };
  if (hit(faults.errorRate, random)) return { kind: 'error' };
  return { kind: 'none' };
}

function hit(rate: number | undefined, random: () => number): boolean {
  if (!rate || rate <= 0) return false;
  return rate >= 1 || random() < rate;
}
