/**
 * A release: what one deployment put into the account, kept in the bootstrap bucket beside its
 * record (`releases/<project>/<id>.json`) so that a rollback can put it back exactly and two
 * deployments can be compared. It holds the project template as sent, the stack parameters
 * (image addresses by digest), the config versions the template pins (never values), the project
 * model and the compose files as deployed. `.env` and `env_file` files are left out: they may
 * hold values the user never meant to store.
 */
import { GetObjectCommand, NoSuchKey, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { z } from 'zod';
import type { CfnTemplate, PlannedStack } from '../../shared/domain/plan';
import type { ProjectModel } from '../../shared/domain/project';
import { PROJECT_BOOTSTRAP_PARAMETERS, projectStackName } from '../plan';
import { INLINE_TEMPLATE_LIMIT } from '../plan/stack';
import { raise } from '../../shared/result';

export const RELEASE_FORMAT = 1;

const releaseSchema = z.object({
  format: z.literal(RELEASE_FORMAT),
  deploymentId: z.string(),
  project: z.string(),
  /** The project stack's template body, byte for byte as sent. */
  template: z.string(),
  parameters: z.array(z.object({ ParameterKey: z.string(), ParameterValue: z.string() })),
  /** SSM parameter name → version, as the template and the tasks read them. */
  configVersions: z.record(z.string(), z.number()),
  /** The project model (no values: literal environment only, as in the template). */
  model: z.custom<ProjectModel>((v) => typeof v === 'object' && v !== null && typeof (v as ProjectModel).name === 'string' && Array.isArray((v as ProjectModel).services)),
  /** Compose files as deployed, by path relative to the project folder. */
  composeFiles: z.record(z.string(), z.string()),
});
export type Release = z.infer<typeof releaseSchema>;

export function releaseKey(project: string, deploymentId: string): string {
  return `releases/${project}/${deploymentId}.json`;
}

/** The compose files of a project (not its env files), read as they are now. */
export async function composeFilesOf(project: ProjectModel): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const file of project.files.filter((f) => f.role !== 'env')) out[relative(project.dir, file.path) || file.path] = await readFile(file.path, 'utf8');
  return out;
}

export async function putRelease(s3: S3Client, bucket: string, release: Release): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: releaseKey(release.project, release.deploymentId), Body: JSON.stringify(release), ContentType: 'application/json' }));
}

/** The release of a deployment; undefined when the bucket has none (a deployment by an earlier Berth, or a failed one). */
export async function getRelease(s3: S3Client, bucket: string, project: string, deploymentId: string): Promise<Release | undefined> {
  let text: string | undefined;
  try {
    const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: releaseKey(project, deploymentId) }));
    text = await out.Body?.transformToString();
  } catch (error) {
    if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey') return undefined;
    throw error;
  }
  if (!text) return undefined;
  const parsed = releaseSchema.safeParse(parseJson(text));
  if (!parsed.success) raise('INTERNAL', `The stored release of deployment ${deploymentId} (s3://${bucket}/${releaseKey(project, deploymentId)}) is damaged or from a newer Berth; it cannot be used.`);
  return parsed.data;
}

/** The project stack as the release sent it, byte for byte. */
export function releaseStack(release: Release): PlannedStack {
  const template = JSON.parse(release.template) as CfnTemplate;
  const bytes = Buffer.byteLength(release.template);
  return { stackName: projectStackName(release.project), template, body: release.template, bytes, resourceCount: Object.keys(template.Resources ?? {}).length, needsUpload: bytes > INLINE_TEMPLATE_LIMIT };
}

/** The release's stack parameters, with the bootstrap's values as they are now (the cluster may have been recreated). */
export function releaseParameters(release: Release, bootstrapOutputs: Record<string, string>): { ParameterKey: string; ParameterValue: string }[] {
  return release.parameters.map((p) => (p.ParameterKey in PROJECT_BOOTSTRAP_PARAMETERS && bootstrapOutputs[p.ParameterKey] !== undefined ? { ...p, ParameterValue: bootstrapOutputs[p.ParameterKey]! } : p));
}

/** JSON, or undefined when the text is not JSON (the schema then refuses it). */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
