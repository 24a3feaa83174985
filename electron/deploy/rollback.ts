/**
 * Putting an earlier deployment back: which one, whether everything it ran is still there (its
 * images in ECR, its config versions in SSM), what cannot come back, and the config restore
 * itself. ECS reads the latest version of an SSM parameter (a task definition cannot name a
 * version), so an earlier value comes back by being written again as the newest version; the
 * values pass through the main process only, never into logs, errors or the renderer.
 */
import { GetParameterCommand, GetParametersCommand, PutParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import type { ECRClient } from '@aws-sdk/client-ecr';
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { S3Client } from '@aws-sdk/client-s3';
import type { DeploymentRecord, RollbackCheck } from '../../shared/domain/deploy';
import { bootstrapBucket } from '../bootstrap/ensure';
import { readConfigVersions } from '../secrets/store';

export type { RollbackCheck };
export { defaultRollbackTarget, rollbackCandidates, runningDeployment, sameRelease } from '../../shared/domain/rollback';
import { IMAGES_METADATA_KEY, projectRepositoryName } from '../plan';
import { existingImageTags } from './images';
import { getRelease, type Release } from './release';

/** The images a release runs from the project's own repository: each built service's tag. */
export function releaseImages(release: Release): { service: string; tag: string }[] {
  const template = JSON.parse(release.template) as { Metadata?: Record<string, unknown> };
  const parameterOf = (template.Metadata?.[IMAGES_METADATA_KEY] ?? {}) as Record<string, string>;
  const values = new Map(release.parameters.map((p) => [p.ParameterKey, p.ParameterValue]));
  const repository = `/${projectRepositoryName(release.project)}:`;
  return Object.entries(parameterOf).flatMap(([service, parameter]) => {
    const uri = values.get(parameter) ?? '';
    const at = uri.indexOf(repository);
    return at > 0 ? [{ service, tag: uri.slice(at + repository.length) }] : [];
  });
}

/** Which `name:version` selectors SSM no longer has (ten per call, its limit). */
async function missingVersions(ssm: SSMClient, versions: Record<string, number>): Promise<Set<string>> {
  const selectors = Object.entries(versions).map(([name, version]) => `${name}:${version}`);
  const missing = new Set<string>();
  for (let i = 0; i < selectors.length; i += 10) {
    const out = await ssm.send(new GetParametersCommand({ Names: selectors.slice(i, i + 10) }));
    for (const name of out.InvalidParameters ?? []) missing.add(name);
  }
  return missing;
}

/** Checks that everything the release ran can come back, and lists what cannot. */
export async function checkRollback(
  clients: { ecr: ECRClient; ssm: SSMClient },
  release: Release,
  current: Record<string, number>,
): Promise<RollbackCheck> {
  const blockers: string[] = [];
  const images = releaseImages(release);
  if (images.length > 0) {
    const present = await existingImageTags(clients.ecr, projectRepositoryName(release.project), images.map((i) => i.tag));
    const gone = images.filter((i) => !present.has(i.tag)).map((i) => i.service);
    if (gone.length > 0) {
      blockers.push(`The image${gone.length === 1 ? '' : 's'} of ${gone.join(', ')} from deployment ${release.deploymentId} ${gone.length === 1 ? 'is' : 'are'} no longer in ECR (expired or deleted), so that deployment cannot run again. Deploy its source again instead.`);
    }
  }
  const missing = await missingVersions(clients.ssm, release.configVersions);
  for (const [parameter, version] of Object.entries(release.configVersions)) {
    if (!missing.has(`${parameter}:${version}`)) continue;
    const name = configName(release.project, parameter);
    blockers.push(
      current[parameter] === undefined
        ? `Config value ${name} was deleted after deployment ${release.deploymentId}: its value cannot come back. Set it again and deploy instead.`
        : `Version ${version} of config value ${name} is no longer kept by Parameter Store: its earlier value cannot come back.`,
    );
  }
  const configRestores = Object.entries(release.configVersions)
    .filter(([parameter, version]) => current[parameter] !== version && !missing.has(`${parameter}:${version}`))
    .map(([parameter, to]) => ({ parameter, to, ...(current[parameter] !== undefined ? { from: current[parameter] } : {}) }));
  return { target: release.deploymentId, blockers, notes: notesFor(release), configRestores };
}

function configName(project: string, parameter: string): string {
  const prefix = `/Berth/${project}/`;
  return parameter.startsWith(prefix) ? parameter.slice(prefix.length) : parameter;
}

/** What a rollback leaves as it is now, in the user's words. */
function notesFor(release: Release): string[] {
  const notes: string[] = [];
  const stores = release.model.services.filter((s) => s.managed).map((s) => s.name);
  if (stores.length > 0) notes.push(`Data stays as it is now: ${stores.join(', ')} keep${stores.length === 1 ? 's' : ''} every row and schema change made since (a migration that ran is not undone).`);
  if ((release.model.volumes ?? []).length > 0) notes.push(`Files on ${release.model.volumes!.join(', ')} stay as they are now.`);
  const oneOffs = release.model.services.filter((s) => s.oneOff).map((s) => s.name);
  if (oneOffs.length > 0) notes.push(`${oneOffs.join(', ')} run${oneOffs.length === 1 ? 's' : ''} again, as in any deploy that changes ${oneOffs.length === 1 ? 'it' : 'them'}.`);
  return notes;
}

/**
 * Writes version `version`'s value back as the newest version, unless the newest already has it
 * (`exists`: the parameter still has a newest version to compare with). True when it wrote.
 * The value never leaves this function.
 */
async function putBack(ssm: SSMClient, parameter: string, version: number, exists: boolean): Promise<boolean> {
  const earlier = await ssm.send(new GetParameterCommand({ Name: `${parameter}:${version}`, WithDecryption: true }));
  const value = earlier.Parameter?.Value;
  if (value === undefined) return false;
  if (exists && (await ssm.send(new GetParameterCommand({ Name: parameter, WithDecryption: true }))).Parameter?.Value === value) return false;
  await ssm.send(new PutParameterCommand({ Name: parameter, Value: value, Type: earlier.Parameter?.Type ?? 'SecureString', Overwrite: true }));
  return true;
}

/** Writes each earlier value back as the newest version. Returns the restores to undo on failure (each parameter's version before the rollback). */
export async function restoreConfig(ssm: SSMClient, restores: RollbackCheck['configRestores']): Promise<{ parameter: string; version: number }[]> {
  const undo: { parameter: string; version: number }[] = [];
  for (const r of restores) {
    if ((await putBack(ssm, r.parameter, r.to, r.from !== undefined)) && r.from !== undefined) undo.push({ parameter: r.parameter, version: r.from });
  }
  return undo;
}

/** Puts back the values a failed rollback replaced (best effort; each is independent). */
export async function undoConfigRestore(ssm: SSMClient, undo: { parameter: string; version: number }[]): Promise<void> {
  for (const u of undo) await putBack(ssm, u.parameter, u.version, true).catch(() => undefined);
}

/**
 * Whether `target` can be put back: it succeeded, its release is in the bucket, and everything
 * it ran is still there. Nothing is changed. The release comes with it when there is one.
 */
export async function checkRollbackTarget(
  clients: { cloudformation: CloudFormationClient; s3: S3Client; ecr: ECRClient; ssm: SSMClient },
  target: DeploymentRecord,
): Promise<{ check: RollbackCheck; release?: Release }> {
  const blocked = (reason: string) => ({ check: { target: target.id, blockers: [reason], notes: [], configRestores: [] } });
  if (target.outcome !== 'succeeded') return blocked(`Deployment ${target.id} did not succeed (${target.outcome}); only a successful deployment can be put back.`);
  const bucket = await bootstrapBucket(clients.cloudformation);
  const release = bucket ? await getRelease(clients.s3, bucket, target.project, target.id) : undefined;
  if (!release) return blocked(`Deployment ${target.id} was made before Berth kept what a rollback needs (its template and images), so it cannot be put back.`);
  return { check: await checkRollback(clients, release, await readConfigVersions(clients.ssm, target.project)), release };
}
