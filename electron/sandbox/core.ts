/** The running sandbox as its services see it: identity, state, the speed knob and background work. */
import type { FaultConfig } from './faults';
import type { SandboxState } from './state';
import type { Scheduler, Timing } from './timing';

/** An ECS task or service state change, in EventBridge's event shape, for rules that forward it. */
export interface BusEvent {
  source: string;
  detailType: string;
  resources: string[];
  detail: Record<string, unknown>;
}

export interface SandboxCore {
  readonly account: string;
  readonly region: string;
  /** `http://127.0.0.1:<port>`, known once listening. */
  endpoint: string;
  state: SandboxState;
  timing: Timing;
  scheduler: Scheduler;
  /** Marks the state changed, so it is written to disk soon. */
  changed(): void;
  /** Publishes an event to the sandbox's EventBridge rules. */
  publish(event: BusEvent): void;
  /** Starts (or resumes) the simulation of ECS tasks and services after a change. */
  kickEcs(): void;
  /** The fault knobs now (simulations read the EC2 capacity knob). */
  faults?(): FaultConfig;
}
