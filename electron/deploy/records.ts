/**
 * Deployment records: what was deployed, when, by whom, how it went. Kept locally (the app's
 * data folder, with what a restarted Berth needs to carry on) and in the bootstrap bucket
 * under `deployments/<project>/<id>.json` (so another machine sees the history too).
 */
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { DEPLOY_PHASES, type DeploymentRecord } from '../../shared/domain/deploy';
import { DEPLOYMENT_MODES } from '../../shared/domain/plan';
import { ERROR_CODES } from '../../shared/result';
import { readJsonFile, writeJsonFile } from '../util/json-file';

const phaseState = z.enum(['pending', 'running', 'done', 'skipped', 'failed', 'cancelled']);
/** A record as read back from disk or the bucket (never trusted unparsed). */
export const deploymentRecordSchema = z.object({
  id: z.string(),
  project: z.string(),
  mode: z.enum(DEPLOYMENT_MODES),
  account: z.string(),
  region: z.string(),
  identityArn: z.string(),
  startedAt: z.string(),
  finishedAt: z.string().optional(),
  outcome: z.enum(['running', 'succeeded', 'failed', 'cancelled', 'nothing-to-change']),
  phases: z.array(z.object({ phase: z.enum(DEPLOY_PHASES), state: phaseState, startedAt: z.string().optional(), finishedAt: z.string().optional(), note: z.string().optional() })),
  digests: z.record(z.string(), z.string()),
  buildLogStreams: z.record(z.string(), z.string()).optional(),
  builds: z.array(z.object({ services: z.array(z.string()), platform: z.string(), status: z.string(), seconds: z.number(), billedMinutes: z.number(), usd: z.number() })).optional(),
  templateHash: z.string().optional(),
  urls: z.array(z.string()),
  failure: z
    .object({
      phase: z.enum(DEPLOY_PHASES),
      code: z.enum(ERROR_CODES).optional(),
      message: z.string(),
      resource: z.string().optional(),
      reason: z.string().optional(),
      logLines: z.array(z.string()).optional(),
    })
    .optional(),
  rollbackOf: z.string().optional(),
  images: z.record(z.string(), z.string()).optional(),
  configVersions: z.record(z.string(), z.number()).optional(),
  released: z.boolean().optional(),
  tookOverFrom: z.object({ deploymentId: z.string(), identityArn: z.string(), host: z.string(), heartbeatAt: z.string() }).optional(),
}) satisfies z.ZodType<DeploymentRecord>;

/** What a restarted Berth needs to carry on a deployment (local only). */
export const resumeInfoSchema = z.object({
  dir: z.string(),
  autoApprove: z.boolean(),
  /** Process that ran it: a live one still owns the deployment. */
  pid: z.number(),
  /** The connection it ran with. */
  endpoint: z.string().optional(),
  /** A rollback: the deployment it puts back (a resumed run must carry on putting that back, not deploy the folder). */
  rollbackOf: z.string().optional(),
});
export type ResumeInfo = z.infer<typeof resumeInfoSchema>;

const localFileSchema = z.object({ record: deploymentRecordSchema, resume: resumeInfoSchema.optional() });
export type LocalRecord = z.infer<typeof localFileSchema>;

/** A new deployment id: sortable by time, unique enough, valid in change set names. */
export function newDeploymentId(now: Date = new Date()): string {
  // Milliseconds included: two deployments in one second still sort in the order they started.
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.(\d+)Z$/, '$1Z');
  return `${stamp}-${Math.random().toString(36).slice(2, 8)}`;
}

function projectFolder(dataDir: string, project: string): string {
  return join(dataDir, 'deployments', project);
}

/** The bucket key of a record. */
export function recordKey(project: string, id: string): string {
  return `deployments/${project}/${id}.json`;
}

/** Writes the local copy (atomically). */
export async function saveLocalRecord(dataDir: string, record: DeploymentRecord, resume?: ResumeInfo): Promise<void> {
  await writeJsonFile(join(projectFolder(dataDir, record.project), `${record.id}.json`), resume ? { record, resume } : { record });
}

/** Every local record of a project, newest first. */
export async function localRecords(dataDir: string, project: string): Promise<LocalRecord[]> {
  let names: string[];
  try {
    names = await readdir(projectFolder(dataDir, project));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const out: LocalRecord[] = [];
  for (const name of names.filter((n) => n.endsWith('.json')).sort().reverse()) {
    const file = await readJsonFile(join(projectFolder(dataDir, project), name), localFileSchema.nullable(), null);
    if (file) out.push(file);
  }
  return out.sort((a, b) => (a.record.startedAt < b.record.startedAt ? 1 : a.record.startedAt > b.record.startedAt ? -1 : a.record.id < b.record.id ? 1 : -1));
}

/** Writes the record to the bucket. */
export async function putBucketRecord(s3: S3Client, bucket: string, record: DeploymentRecord): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: recordKey(record.project, record.id), Body: JSON.stringify(record, null, 2), ContentType: 'application/json' }));
}

/** Records in the bucket, newest first (at most `limit`). */
export async function bucketRecords(s3: S3Client, bucket: string, project: string, limit = 50): Promise<DeploymentRecord[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const out = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `deployments/${project}/`, ...(token ? { ContinuationToken: token } : {}) }));
    keys.push(...(out.Contents ?? []).map((o) => o.Key).filter((k): k is string => Boolean(k?.endsWith('.json'))));
    token = out.IsTruncated ? out.NextContinuationToken : undefined;
  } while (token);
  const newest = keys.sort().reverse().slice(0, limit);
  const records: DeploymentRecord[] = [];
  for (const key of newest) {
    const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const text = await out.Body?.transformToString();
    if (!text) continue;
    try {
      const parsed = deploymentRecordSchema.safeParse(JSON.parse(text));
      if (parsed.success) records.push(parsed.data);
    } catch {
      // A foreign or damaged object under the prefix is left out of the history.
    }
  }
  return records;
}

/** Local and bucket records merged by id (the one with the later finish wins), newest first. */
export function mergeHistory(...lists: DeploymentRecord[][]): DeploymentRecord[] {
  const byId = new Map<string, DeploymentRecord>();
  for (const list of lists) {
    for (const record of list) {
      const existing = byId.get(record.id);
      if (!existing || (record.finishedAt ?? '') > (existing.finishedAt ?? '') || (existing.outcome === 'running' && record.outcome !== 'running')) byId.set(record.id, record);
    }
  }
  return [...byId.values()].sort((a, b) => (a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : a.id < b.id ? 1 : -1));
}
