/**
 * The speed knob and the background work it paces. `instant` does every simulated wait at once
 * (tests); `realistic` waits AWS-like durations (an ALB takes minutes, RDS many) times a factor.
 */

export type Speed = 'instant' | 'realistic';

/** Realistic durations in milliseconds, before the factor: what a user would wait in AWS. */
export const REALISTIC_MS = {
  /** A typical CloudFormation resource (bucket, role, log group, security group...). */
  resourceDefault: 4_000,
  loadBalancer: 180_000,
  database: 480_000,
  cache: 360_000,
  /** A manual RDS or ElastiCache snapshot of a small store. */
  snapshot: 120_000,
  natGateway: 100_000,
  /** ACM noticing a validation record and issuing the certificate. */
  certificate: 30_000,
  /** A Route 53 change reaching every name server (GetChange turns INSYNC). */
  dnsChange: 30_000,
  ecsService: 60_000,
  cloudMap: 40_000,
  stackStep: 1_000,
  taskProvisioning: 8_000,
  taskPulling: 15_000,
  taskStopping: 20_000,
  buildStep: 3_000,
  /** CodeBuild starting a build container (small, on demand). */
  buildProvisioning: 25_000,
  /** A CodeBuild phase without much work (download source, post build, finalizing). */
  buildPhase: 2_000,
  changeSet: 3_000,
  /** An EC2 instance from launch to running, then its ECS agent registering (the GPU AMI loads its driver first). */
  instanceLaunch: 45_000,
  agentRegistration: 60_000,
  /** An instance from terminate to terminated. */
  instanceTermination: 60_000,
  /** An Auto Scaling group's first retry after a failed launch (it backs off, doubling, up to five minutes). */
  launchRetry: 10_000,
} as const;

export type DurationKind = keyof typeof REALISTIC_MS;

/**
 * How long AWS waits for something only the user can do before giving up. Unlike durations,
 * instant mode keeps them whole (a zero deadline would fail everything at once); a test that
 * wants to reach one sets it with the `deadlines` option.
 */
export const DEADLINE_MS = {
  /** ACM retries DNS or email validation for 72 hours, then the certificate is VALIDATION_TIMED_OUT. */
  certificateValidation: 72 * 3_600_000,
  /** ECS keeps a task PROVISIONING while its capacity provider finds no room, then stops it (AWS says 10 to 30 minutes). */
  capacityProvisioning: 30 * 60_000,
  /** ECS managed scaling gives an idle instance back after its low alarm held 15 minutes. */
  capacityScaleIn: 15 * 60_000,
} as const;

export type DeadlineKind = keyof typeof DEADLINE_MS;

/** Turns a duration kind into milliseconds at the configured speed. */
export class Timing {
  constructor(
    readonly speed: Speed,
    readonly factor: number,
    readonly deadlines: Partial<Record<DeadlineKind, number>> = {},
  ) {}

  /** Milliseconds to wait for `kind` (0 when instant). */
  ms(kind: DurationKind): number {
    return this.speed === 'instant' ? 0 : Math.round(REALISTIC_MS[kind] * this.factor);
  }

  /** Milliseconds AWS waits for the user before `kind` expires: AWS's own in instant mode, times the factor in realistic mode, unless set. */
  deadline(kind: DeadlineKind): number {
    return this.deadlines[kind] ?? (this.speed === 'instant' ? DEADLINE_MS[kind] : Math.round(DEADLINE_MS[kind] * this.factor));
  }
}

/** Raised inside background work when the sandbox closes; the work stops where it is and resumes after a restart. */
export class SandboxClosed extends Error {
  constructor() {
    super('The sandbox was closed');
    this.name = 'SandboxClosed';
  }
}

/** Tracks the sandbox's background work (stack operations, task lifecycles) so it can be awaited or cancelled. */
export class Scheduler {
  private readonly jobs = new Set<Promise<void>>();
  private readonly sleepers = new Map<NodeJS.Timeout | NodeJS.Immediate, () => void>();
  private readonly waiters = new Set<{ resolve: () => void; reject: (e: Error) => void }>();
  private closed = false;
  /** Called with errors from background work that are not the sandbox closing. */
  onError: (error: unknown) => void = (error) => {
    console.error('[sandbox] background work failed:', error);
  };

  /** Runs `work` in the background, tracked until it settles. */
  run(work: () => Promise<void>): void {
    if (this.closed) return;
    const job = (async () => {
      try {
        await work();
      } catch (error) {
        if (!(error instanceof SandboxClosed)) this.onError(error);
      }
    })();
    this.jobs.add(job);
    void job.finally(() => this.jobs.delete(job));
  }

  /** Waits `ms` (a macrotask even for 0, so other requests interleave); rejects with SandboxClosed on close. */
  sleep(ms: number): Promise<void> {
    if (this.closed) return Promise.reject(new SandboxClosed());
    return new Promise<void>((resolve, reject) => {
      const done = () => {
        this.sleepers.delete(handle);
        resolve();
      };
      const handle: NodeJS.Timeout | NodeJS.Immediate = ms <= 0 ? setImmediate(done) : setTimeout(done, ms);
      this.sleepers.set(handle, () => reject(new SandboxClosed()));
    });
  }

  /** Resolves at the next `signal()` (some simulated state changed); rejects with SandboxClosed on close. */
  nextSignal(): Promise<void> {
    if (this.closed) return Promise.reject(new SandboxClosed());
    return new Promise<void>((resolve, reject) => {
      this.waiters.add({ resolve, reject });
    });
  }

  /** Wakes everything waiting in `nextSignal()`. */
  signal(): void {
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const w of waiters) w.resolve();
  }

  /** Resolves once no background work is left (new work started meanwhile is awaited too). */
  async settle(): Promise<void> {
    while (this.jobs.size > 0) await Promise.allSettled([...this.jobs]);
  }

  /** True while background work is running. */
  get busy(): boolean {
    return this.jobs.size > 0;
  }

  /** Cancels every wait; running work stops at its next wait. */
  async close(): Promise<void> {
    this.closed = true;
    for (const [handle, cancel] of this.sleepers) {
      clearTimeout(handle as NodeJS.Timeout);
      clearImmediate(handle as NodeJS.Immediate);
      cancel();
    }
    this.sleepers.clear();
    for (const w of this.waiters) w.reject(new SandboxClosed());
    this.waiters.clear();
    await Promise.allSettled([...this.jobs]);
  }

  /** Opens again after a reset (close cancels, reopen accepts new work). */
  reopen(): void {
    this.closed = false;
  }
}
