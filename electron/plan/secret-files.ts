/**
 * Compose secret files on Fargate, which has no secret mounts: a short-lived container of the
 * task (not essential) gets the secrets from SSM as environment — as ECS injects secrets — and
 * writes each to its file in a task volume, then exits; the service's container starts only
 * after it succeeded (dependsOn SUCCESS) and mounts that volume read-only at /run/secrets.
 * The values pass through the task's memory only: never the template, the task definition or a log.
 */
import type { ComposeSecret, ServiceModel } from '../../shared/domain/project';
import { raise } from '../../shared/result';
import { arn } from './cfn';
import { taskImage } from './images';
import { configParameterName, secretFileParameterName } from './names';

/** A small image with a shell, from ECR Public (no Docker Hub rate limit). */
export const SECRETS_INIT_IMAGE = 'public.ecr.aws/docker/library/busybox:1.37';
export const SECRETS_VOLUME = 'berth-secrets';
const SECRETS_DIR = '/run/secrets';

const NUMERIC = /^\d{1,10}$/;
const OCTAL = /^0?[0-7]{3,4}$/;
const SAFE_PATH = /^\/run\/secrets\/[A-Za-z0-9._-]+$/;

export interface SecretFilesPlan {
  /** The writer container (first in the task). */
  init: Record<string, unknown>;
  /** What the service's own container gets: the mount, and the wait for the writer. */
  mountPoints: unknown[];
  dependsOn: unknown[];
  volumes: unknown[];
  /** The SSM parameters the writer reads (names, for the task's config digest). */
  parameters: string[];
}

/** The writer container and the mounts for a service's secret files; undefined when it has none. */
export function planSecretFiles(project: string, service: ServiceModel, secrets: readonly ComposeSecret[], logOptions: Record<string, unknown>): SecretFilesPlan | undefined {
  const files = service.secretFiles ?? [];
  if (files.length === 0) return undefined;
  const name = service.name === SECRETS_VOLUME ? `${SECRETS_VOLUME}-init` : SECRETS_VOLUME;
  const lines = ['set -e', 'umask 077'];
  const fromSsm: { Name: string; ValueFrom: unknown }[] = [];
  const parameters: string[] = [];
  files.forEach((file, i) => {
    const secret = secrets.find((s) => s.name === file.secret);
    if (!secret) raise('PLAN_INVALID', `${service.name} mounts the secret ${file.secret}, which the project does not declare.`, { service: service.name });
    // Paths, owners and modes go into a shell script: accept only what compose itself accepts.
    if (!SAFE_PATH.test(file.path)) raise('PLAN_INVALID', `The secret file ${file.path} of ${service.name} is not a plain file name in ${SECRETS_DIR}.`, { service: service.name });
    if ((file.uid && !NUMERIC.test(file.uid)) || (file.gid && !NUMERIC.test(file.gid))) raise('PLAN_INVALID', `The uid and gid of secret ${file.secret} on ${service.name} must be numbers.`, { service: service.name });
    if (file.mode && !OCTAL.test(file.mode)) raise('PLAN_INVALID', `The mode of secret ${file.secret} on ${service.name} must be octal, like 0440.`, { service: service.name });
    const variable = `BERTH_SECRET_${i}`;
    const parameter = secret.source.kind === 'file' ? secretFileParameterName(project, secret.name) : configParameterName(project, secret.source.name);
    fromSsm.push({ Name: variable, ValueFrom: arn('ssm', `parameter${parameter}`) });
    parameters.push(parameter);
    lines.push(`printf '%s' "$${variable}" > '${file.path}'`);
    lines.push(`chmod ${file.mode ?? '0444'} '${file.path}'`);
    if (file.uid || file.gid) lines.push(`chown ${file.uid ?? '0'}:${file.gid ?? '0'} '${file.path}'`);
  });
  return {
    init: {
      Name: name,
      Image: taskImage(SECRETS_INIT_IMAGE),
      Essential: false,
      EntryPoint: ['sh', '-c'],
      Command: [lines.join('; ')],
      Secrets: fromSsm,
      MountPoints: [{ SourceVolume: SECRETS_VOLUME, ContainerPath: SECRETS_DIR, ReadOnly: false }],
      LogConfiguration: { LogDriver: 'awslogs', Options: { ...logOptions, 'awslogs-stream-prefix': name } },
    },
    mountPoints: [{ SourceVolume: SECRETS_VOLUME, ContainerPath: SECRETS_DIR, ReadOnly: true }],
    dependsOn: [{ ContainerName: name, Condition: 'SUCCESS' }],
    volumes: [{ Name: SECRETS_VOLUME }],
    parameters,
  };
}
