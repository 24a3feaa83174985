/**
 * AWS Secrets Manager over JSON 1.1 (`secretsmanager.*`): secrets with versions staged
 * AWSCURRENT / AWSPREVIOUS, tags, deletion with a recovery window (the name stays taken until
 * the window ends or the secret is restored) or at once, and AWS's own error names and words.
 */
import { randomBytes } from 'node:crypto';
import type { SandboxCore } from '../core';
import { fail } from '../errors';
import type { SandboxRequest, SandboxResponse } from '../http';
import { uuid } from '../ids';
import { epoch } from '../protocol/json';
import { decodeToken, encodeToken, Fields, tagsFromList, tagsToList, type Input } from '../protocol/input';
import { dispatchJson, type JsonOperation } from '../protocol/json-service';
import type { SmSecret } from '../state';

const NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
const DAY_MS = 86_400_000;
const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function arnFor(core: SandboxCore, name: string): string {
  const suffix = [...randomBytes(6)].map((b) => ALPHANUMERIC[b % ALPHANUMERIC.length]).join('');
  return `arn:aws:secretsmanager:${core.region}:${core.account}:secret:${name}-${suffix}`;
}

/** Drops secrets whose recovery window has ended (AWS deletes them then). */
function purge(core: SandboxCore): void {
  const now = Date.now();
  for (const [name, s] of core.state.secretsmanager.secrets) {
    if (s.deletionDate !== undefined && s.deletionDate <= now) {
      core.state.secretsmanager.secrets.delete(name);
      core.changed();
    }
  }
}

/** A secret by name, full ARN or ARN without the random suffix (scheduled ones included). */
function lookup(core: SandboxCore, id: string): SmSecret | undefined {
  purge(core);
  const secrets = core.state.secretsmanager.secrets;
  if (!id.startsWith('arn:')) return secrets.get(id);
  return [...secrets.values()].find((s) => s.arn === id || `${s.arn.slice(0, -7)}` === id);
}

function requireSecret(core: SandboxCore, id: string, options: { deleted?: 'allowed' } = {}): SmSecret {
  const secret = lookup(core, id);
  if (!secret) fail('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
  if (secret.deletedAt !== undefined && options.deleted !== 'allowed') fail('InvalidRequestException', "You can't perform this operation on the secret because it was marked for deletion.");
  return secret;
}

/** The secret (not scheduled for deletion), for other sandbox services such as ECR's pull-through cache. */
export function findSecret(core: SandboxCore, id: string): SmSecret | undefined {
  const secret = lookup(core, id);
  return secret && secret.deletedAt === undefined ? secret : undefined;
}

/** The AWSCURRENT string value of a secret, if it has one. */
export function currentSecretString(secret: SmSecret): string | undefined {
  return Object.values(secret.versions).find((v) => v.stages.includes('AWSCURRENT'))?.secretString;
}

function value(f: Fields): { secretString?: string; secretBinary?: string } {
  const secretString = f.optStr('SecretString');
  const secretBinary = f.optStr('SecretBinary');
  if (secretString !== undefined && secretBinary !== undefined) fail('InvalidParameterException', 'You can\'t specify both a binary secret value and a string secret value in the same secret.');
  if ((secretString?.length ?? 0) > 65_536 || (secretBinary?.length ?? 0) > 87_384) fail('InvalidParameterException', 'The secret value exceeds the maximum size of 65536 bytes.');
  return { ...(secretString !== undefined ? { secretString } : {}), ...(secretBinary !== undefined ? { secretBinary } : {}) };
}

/** Adds a version as AWSCURRENT; the one before becomes AWSPREVIOUS and older ones lose their stages. */
function addVersion(secret: SmSecret, id: string, v: { secretString?: string; secretBinary?: string }): void {
  const existing = secret.versions[id];
  if (existing) {
    if (existing.secretString !== v.secretString || existing.secretBinary !== v.secretBinary) {
      fail('ResourceExistsException', 'You can\'t modify an existing version, you can only create a new version.');
    }
    return;
  }
  for (const other of Object.values(secret.versions)) {
    other.stages = other.stages.includes('AWSCURRENT') ? ['AWSPREVIOUS'] : other.stages.filter((s) => s !== 'AWSPREVIOUS' && s !== 'AWSCURRENT');
  }
  secret.versions[id] = { ...v, stages: ['AWSCURRENT'], createdAt: Date.now() };
  // AWS drops versions with no stage once there are many; keeping the last few is enough here.
  for (const [vid, other] of Object.entries(secret.versions)) if (other.stages.length === 0) delete secret.versions[vid];
  secret.lastChangedAt = Date.now();
}

function stagesOf(secret: SmSecret): Record<string, string[]> {
  return Object.fromEntries(Object.entries(secret.versions).map(([id, v]) => [id, v.stages]));
}

function describe(secret: SmSecret) {
  return {
    ARN: secret.arn,
    Name: secret.name,
    ...(secret.description ? { Description: secret.description } : {}),
    ...(secret.kmsKeyId ? { KmsKeyId: secret.kmsKeyId } : {}),
    LastChangedDate: epoch(secret.lastChangedAt),
    ...(secret.lastAccessedAt ? { LastAccessedDate: epoch(secret.lastAccessedAt) } : {}),
    ...(secret.deletedAt !== undefined ? { DeletedDate: epoch(secret.deletedAt) } : {}),
    Tags: tagsToList(secret.tags),
    VersionIdsToStages: stagesOf(secret),
    CreatedDate: epoch(secret.createdAt),
  };
}

const ops: Record<string, JsonOperation> = {
  CreateSecret(input, core) {
    const f = new Fields(input, 'InvalidParameterException');
    const name = f.str('Name');
    if (!NAME.test(name)) fail('InvalidParameterException', 'Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!');
    const existing = lookup(core, name);
    if (existing?.deletedAt !== undefined) fail('InvalidRequestException', "You can't create this secret because a secret with this name is already scheduled for deletion.");
    if (existing) fail('ResourceExistsException', `The operation failed because the secret ${name} already exists.`);
    const now = Date.now();
    const secret: SmSecret = { name, arn: arnFor(core, name), tags: tagsFromList(f.objList('Tags')), createdAt: now, lastChangedAt: now, versions: {} };
    const description = f.optStr('Description');
    if (description) secret.description = description;
    const kmsKeyId = f.optStr('KmsKeyId');
    if (kmsKeyId) secret.kmsKeyId = kmsKeyId;
    const v = value(f);
    const versionId = f.optStr('ClientRequestToken') ?? uuid();
    if (v.secretString !== undefined || v.secretBinary !== undefined) addVersion(secret, versionId, v);
    core.state.secretsmanager.secrets.set(name, secret);
    core.changed();
    return { ARN: secret.arn, Name: name, ...(Object.keys(secret.versions).length > 0 ? { VersionId: versionId } : {}) };
  },
  PutSecretValue(input, core) {
    const f = new Fields(input, 'InvalidParameterException');
    const secret = requireSecret(core, f.str('SecretId'));
    const v = value(f);
    if (v.secretString === undefined && v.secretBinary === undefined) fail('InvalidRequestException', 'You must provide either SecretString or SecretBinary.');
    const versionId = f.optStr('ClientRequestToken') ?? uuid();
    addVersion(secret, versionId, v);
    core.changed();
    return { ARN: secret.arn, Name: secret.name, VersionId: versionId, VersionStages: secret.versions[versionId]!.stages };
  },
  GetSecretValue(input, core) {
    const f = new Fields(input, 'InvalidParameterException');
    const secret = requireSecret(core, f.str('SecretId'));
    const versionId = f.optStr('VersionId');
    const stage = f.optStr('VersionStage') ?? (versionId ? undefined : 'AWSCURRENT');
    const found = Object.entries(secret.versions).find(([id, v]) => (versionId === undefined || id === versionId) && (stage === undefined || v.stages.includes(stage)));
    if (!found) fail('ResourceNotFoundException', "Secrets Manager can't find the specified secret value for " + (versionId ? `VersionId: ${versionId}` : `staging label: ${stage}`));
    const [id, v] = found;
    secret.lastAccessedAt = Math.floor(Date.now() / DAY_MS) * DAY_MS;
    core.changed();
    return {
      ARN: secret.arn,
      Name: secret.name,
      VersionId: id,
      ...(v.secretString !== undefined ? { SecretString: v.secretString } : {}),
      ...(v.secretBinary !== undefined ? { SecretBinary: v.secretBinary } : {}),
      VersionStages: v.stages,
      CreatedDate: epoch(v.createdAt),
    };
  },
  DescribeSecret(input, core) {
    return describe(requireSecret(core, new Fields(input, 'InvalidParameterException').str('SecretId'), { deleted: 'allowed' }));
  },
  ListSecrets(input, core) {
    purge(core);
    const f = new Fields(input, 'InvalidParameterException');
    const includeDeleted = f.optBool('IncludePlannedDeletion') === true;
    const filters = (f.objList('Filters') ?? []).map((x) => ({ key: String(x.Key), values: (x.Values as string[] | undefined) ?? [] }));
    const test = (s: SmSecret, key: string, v: string): boolean => {
      const negate = v.startsWith('!');
      const needle = (negate ? v.slice(1) : v).toLowerCase();
      const hay =
        key === 'name' ? [s.name] : key === 'description' ? [s.description ?? ''] : key === 'tag-key' ? Object.keys(s.tags) : key === 'tag-value' ? Object.values(s.tags) : key === 'all' ? [s.name, s.description ?? '', ...Object.keys(s.tags), ...Object.values(s.tags)] : [];
      const hit = hay.some((h) => h.toLowerCase().startsWith(needle));
      return negate ? !hit : hit;
    };
    const all = [...core.state.secretsmanager.secrets.values()]
      .filter((s) => includeDeleted || s.deletedAt === undefined)
      .filter((s) => filters.every((fl) => fl.values.some((v) => test(s, fl.key, v))))
      .sort((a, b) => a.createdAt - b.createdAt);
    const max = f.optNum('MaxResults') ?? 100;
    if (max < 1 || max > 100) fail('InvalidParameterException', 'MaxResults must be between 1 and 100.');
    const start = Number(decodeToken(f.optStr('NextToken'), 'InvalidNextTokenException') ?? 0);
    const page = all.slice(start, start + max);
    return {
      SecretList: page.map((s) => {
        const { VersionIdsToStages, ...rest } = describe(s);
        return { ...rest, SecretVersionsToStages: VersionIdsToStages };
      }),
      ...(start + max < all.length ? { NextToken: encodeToken(start + max) } : {}),
    };
  },
  DeleteSecret(input, core) {
    const f = new Fields(input, 'InvalidParameterException');
    const secret = requireSecret(core, f.str('SecretId'), { deleted: 'allowed' });
    const force = f.optBool('ForceDeleteWithoutRecovery') === true;
    const window = f.optNum('RecoveryWindowInDays');
    if (force && window !== undefined) fail('InvalidParameterException', "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.");
    if (window !== undefined && (window < 7 || window > 30)) fail('InvalidParameterException', 'The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).');
    const now = Date.now();
    if (force) {
      core.state.secretsmanager.secrets.delete(secret.name);
      core.changed();
      return { ARN: secret.arn, Name: secret.name, DeletionDate: epoch(now) };
    }
    if (secret.deletedAt !== undefined) fail('InvalidRequestException', "You can't perform this operation on the secret because it was already scheduled for deletion.");
    secret.deletedAt = now;
    secret.deletionDate = now + (window ?? 30) * DAY_MS;
    core.changed();
    return { ARN: secret.arn, Name: secret.name, DeletionDate: epoch(secret.deletionDate) };
  },
  RestoreSecret(input, core) {
    const secret = requireSecret(core, new Fields(input, 'InvalidParameterException').str('SecretId'), { deleted: 'allowed' });
    delete secret.deletedAt;
    delete secret.deletionDate;
    core.changed();
    return { ARN: secret.arn, Name: secret.name };
  },
  TagResource(input, core) {
    const f = new Fields(input, 'InvalidParameterException');
    const secret = requireSecret(core, f.str('SecretId'));
    secret.tags = { ...secret.tags, ...tagsFromList(f.objList('Tags') as Input[] | undefined) };
    core.changed();
    return {};
  },
  UntagResource(input, core) {
    const f = new Fields(input, 'InvalidParameterException');
    const secret = requireSecret(core, f.str('SecretId'));
    for (const key of f.strList('TagKeys') ?? []) delete secret.tags[key];
    core.changed();
    return {};
  },
};

/** Handles one Secrets Manager request. */
export function handleSecretsManager(req: SandboxRequest, core: SandboxCore): Promise<SandboxResponse> {
  return dispatchJson(req, core, ops, 'Secrets Manager');
}

/** Every secret with its tags, for the tagging API (scheduled ones too, as AWS lists them). */
export function taggedSecrets(core: SandboxCore): { arn: string; tags: Record<string, string> }[] {
  purge(core);
  return [...core.state.secretsmanager.secrets.values()].map((s) => ({ arn: s.arn, tags: s.tags }));
}
