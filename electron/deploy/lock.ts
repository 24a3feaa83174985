/**
 * Who holds a project's deployment, in the bootstrap bucket (`locks/<project>.json`) so that
 * another machine sees it. Taken with a conditional write (If-None-Match: *), kept alive by a
 * heartbeat written with If-Match on the last ETag (a holder that lost it finds out), and
 * released at the end. A holder silent for longer than `staleAfterMs` (a closed laptop, a
 * killed terminal) can be taken over, and the new holder records whom it replaced.
 */
import { utcMinute } from '../util/utc-minute';
import { DeleteObjectCommand, GetObjectCommand, NoSuchKey, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { z } from 'zod';
import { DEPLOY_PHASES, type DeploymentHolder, type DeployPhase, type HolderView } from '../../shared/domain/deploy';
import { raise } from '../../shared/result';

/** How often the holder says it is alive, and how long a silence makes it stale. */
export const HEARTBEAT_MS = 30_000;
export const STALE_AFTER_MS = 10 * 60_000;
/** Phases that follow each other within this gap are reported together (a no-op redeploy writes the lock once). */
const PHASE_WRITE_GAP_MS = 5_000;

const holderSchema = z.object({
  deploymentId: z.string(),
  project: z.string(),
  identityArn: z.string(),
  host: z.string(),
  berthVersion: z.string(),
  account: z.string(),
  region: z.string(),
  startedAt: z.string(),
  heartbeatAt: z.string(),
  phase: z.enum(DEPLOY_PHASES),
  tookOverFrom: z.object({ deploymentId: z.string(), identityArn: z.string(), host: z.string(), heartbeatAt: z.string() }).optional(),
}) satisfies z.ZodType<DeploymentHolder>;

export function lockKey(project: string): string {
  return `locks/${project}.json`;
}

const isPreconditionFailed = (e: unknown) => (e as { name?: string }).name === 'PreconditionFailed' || (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 412;

/** The current holder and its ETag; undefined when nobody holds the project (or the object is not Berth's). */
export async function readHolder(s3: S3Client, bucket: string, project: string): Promise<{ holder: DeploymentHolder; etag: string } | undefined> {
  try {
    const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: lockKey(project) }));
    const parsed = holderSchema.safeParse(JSON.parse((await out?.Body?.transformToString()) ?? 'null'));
    return parsed.success && out?.ETag ? { holder: parsed.data, etag: out.ETag } : undefined;
  } catch (error) {
    if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey' || error instanceof SyntaxError) return undefined;
    throw error;
  }
}

export function holderView(holder: DeploymentHolder, now = Date.now(), staleAfterMs = STALE_AFTER_MS): HolderView {
  const silent = Math.max(0, now - Date.parse(holder.heartbeatAt));
  return { holder, stale: silent > staleAfterMs, silentMinutes: Math.floor(silent / 60_000) };
}

/** "being deployed by arn… on host (Berth 1.2) since 10:02, phase build" */
export function holderWords(view: HolderView): string {
  const h = view.holder;
  const since = `being deployed by ${h.identityArn} on ${h.host} (Berth ${h.berthVersion}) since ${utcMinute(h.startedAt)}, phase ${h.phase}`;
  return view.stale ? `${since}; it has not reported for ${view.silentMinutes} minutes and looks abandoned` : since;
}

export class ProjectLock {
  private etag: string | undefined;
  private lost = false;
  private timer: NodeJS.Timeout | undefined;
  private holder: DeploymentHolder | undefined;
  private lastWrite = 0;
  /** The phase to report with the next heartbeat. */
  private phase: DeployPhase | undefined;
  private pending: NodeJS.Timeout | undefined;
  /** Beats run one after another: two in flight would send the same If-Match and the second would look like a takeover. */
  private beating: Promise<void> = Promise.resolve();

  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    private readonly options: { heartbeatMs?: number; staleAfterMs?: number; now?: () => number } = {},
  ) {}

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  private async write(holder: DeploymentHolder, condition: { IfNoneMatch: '*' } | { IfMatch: string }): Promise<void> {
    const out = await this.s3.send(new PutObjectCommand({ Bucket: this.bucket, Key: lockKey(holder.project), Body: JSON.stringify(holder), ContentType: 'application/json', ...condition }));
    this.etag = out.ETag;
    this.holder = holder;
    this.lastWrite = this.now();
  }

  /**
   * Takes the project for `holder`, or refuses naming who has it. `takeOver` (the project's name,
   * typed by the user) replaces a stale holder; a live one is never replaced.
   */
  async acquire(holder: DeploymentHolder, takeOver?: string): Promise<DeploymentHolder> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const current = await readHolder(this.s3, this.bucket, holder.project);
      try {
        if (!current) await this.write(holder, { IfNoneMatch: '*' });
        else if (current.holder.deploymentId === holder.deploymentId) await this.write({ ...holder, ...(current.holder.tookOverFrom ? { tookOverFrom: current.holder.tookOverFrom } : {}) }, { IfMatch: current.etag });
        else {
          const view = holderView(current.holder, this.now(), this.options.staleAfterMs);
          if (!view.stale || takeOver !== holder.project) {
            const how = view.stale ? ` Take it over once you are sure it is not running: type the project name to confirm (berth up --take-over ${holder.project}).` : ' Wait for it to finish, or ask them.';
            raise('DEPLOY_IN_PROGRESS', `${holder.project} is ${holderWords(view)}.${how}`, { holder: current.holder, stale: view.stale });
          }
          const { deploymentId, identityArn, host, heartbeatAt } = current.holder;
          await this.write({ ...holder, tookOverFrom: { deploymentId, identityArn, host, heartbeatAt } }, { IfMatch: current.etag });
        }
        this.startHeartbeat();
        return this.holder!;
      } catch (error) {
        // Someone wrote between our read and our write: read again.
        if (!isPreconditionFailed(error)) throw error;
      }
    }
    raise('DEPLOY_IN_PROGRESS', `Another deployment of ${holder.project} is starting at this moment. Try again in a minute.`);
  }

  private startHeartbeat(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.beat(), this.options.heartbeatMs ?? HEARTBEAT_MS);
    this.timer.unref();
  }

  /** A new phase: reported at once, or PHASE_WRITE_GAP_MS after the last write when that was moments ago. */
  async phaseChanged(phase: DeployPhase): Promise<void> {
    this.phase = phase;
    const wait = PHASE_WRITE_GAP_MS - (this.now() - this.lastWrite);
    if (wait <= 0) return this.beat();
    this.pending ??= setTimeout(() => {
      this.pending = undefined;
      void this.beat();
    }, wait);
    this.pending.unref();
  }

  /** Says the holder is alive (and in which phase); a failed condition means it was taken over. */
  beat(): Promise<void> {
    this.beating = this.beating.then(() => this.beatNow());
    return this.beating;
  }

  private async beatNow(): Promise<void> {
    if (!this.holder || !this.etag || this.lost) return;
    try {
      await this.write({ ...this.holder, heartbeatAt: new Date(this.now()).toISOString(), ...(this.phase ? { phase: this.phase } : {}) }, { IfMatch: this.etag });
    } catch (error) {
      if (isPreconditionFailed(error) || (error as { name?: string }).name === 'NoSuchKey') this.lost = true;
      // Any other failure (a network drop): the next beat tries again.
    }
  }

  /** True when another deployment took the project over. */
  get taken(): boolean {
    return this.lost;
  }

  /** Lets go of the project (only if it is still ours). */
  async release(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.pending) clearTimeout(this.pending);
    this.timer = undefined;
    this.pending = undefined;
    // A beat still in flight cannot bring the object back: If-Match on a deleted key fails.
    if (!this.holder || this.lost) return;
    const current = await readHolder(this.s3, this.bucket, this.holder.project).catch(() => undefined);
    if (current?.holder.deploymentId === this.holder.deploymentId) await this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: lockKey(this.holder.project) })).catch(() => undefined);
    this.holder = undefined;
  }
}
