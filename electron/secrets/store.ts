/**
 * Project config (secrets) in SSM Parameter Store: `/Berth/<project>/<NAME>` SecureStrings,
 * tagged as Berth's. Listing reads metadata only; a value leaves SSM only through `revealConfig`
 * (and `readConfigValues`, which the deploy pipeline uses to compute derived parameters).
 */
import {
  AddTagsToResourceCommand,
  DeleteParametersCommand,
  GetParameterCommand,
  GetParametersCommand,
  paginateDescribeParameters,
  PutParameterCommand,
  type ParameterMetadata,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { randomInt } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import type { RequiredConfig } from '../../shared/domain/project';
import { CONFIG_NAME_PATTERN, type ConfigEntry, type ConfigListing, type SecretFileEntry } from '../../shared/domain/secrets';
import { raise } from '../../shared/result';
import { berthTags } from '../aws/tags';
import { parseDotenv } from '../compose/dotenv';
import { fileProblem } from '../compose/secrets';
import { secretFileParameterName } from '../plan/names';
import type { ProjectConfigNeeds } from './project';
import { configValueProblem, generatedValueProblem } from './rules';

/** Where a project's config lives. */
export function configPrefix(project: string): string {
  return `/Berth/${project}/`;
}

/** The parameter name of one config value. */
export function configParameter(project: string, name: string): string {
  return `${configPrefix(project)}${name}`;
}

/** Where Defang keeps a project's config for one stack. */
export function defangPrefix(project: string, stack?: string): string {
  return stack ? `/Defang/${project}/${stack}/` : `/Defang/${project}/`;
}

/** Raises INVALID_CONFIG_NAME unless `name` is a valid config name. */
export function assertConfigName(name: string): void {
  if (!CONFIG_NAME_PATTERN.test(name)) {
    raise('INVALID_CONFIG_NAME', `"${name.slice(0, 80)}" is not a valid config name: start with a letter or _, then letters, digits and _ only (at most 64).`);
  }
}

/** The project's services, for the rules AWS puts on a value by what uses it (see rules.ts). */
export type ValueUses = Parameters<typeof configValueProblem>[0];

// SSM's standard tier holds values up to 4 KB.
const MAX_VALUE_BYTES = 4096;
// DeleteParameters and GetParameters take at most 10 names per call.
const BATCH = 10;

function assertValue(name: string, value: string): void {
  if (value.length === 0) raise('INVALID_ARGUMENT', `The value for ${name} is empty.`);
  if (Buffer.byteLength(value, 'utf8') > MAX_VALUE_BYTES) raise('INVALID_ARGUMENT', `The value for ${name} is longer than ${MAX_VALUE_BYTES} bytes, the most a parameter holds.`);
}

/** Runs an SSM call that carried a value, making sure no error text can echo it back. */
async function withoutValue<T>(value: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof Error && value.length > 0 && error.message.includes(value)) {
      error.message = error.message.split(value).join('***');
    }
    throw error;
  }
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Metadata (never values) of every parameter directly under a path. */
async function describeUnder(ssm: SSMClient, path: string, recursive: boolean): Promise<ParameterMetadata[]> {
  const out: ParameterMetadata[] = [];
  const pages = paginateDescribeParameters(
    { client: ssm },
    { ParameterFilters: [{ Key: 'Path', Option: recursive ? 'Recursive' : 'OneLevel', Values: [path.replace(/\/$/, '')] }], MaxResults: 50 },
  );
  for await (const page of pages) out.push(...(page.Parameters ?? []));
  return out;
}

export interface StoredConfig {
  name: string;
  lastModified?: string;
}

/** Config names set for a project, with last-modified times. */
export async function listStoredConfig(ssm: SSMClient, project: string): Promise<StoredConfig[]> {
  const prefix = configPrefix(project);
  const params = await describeUnder(ssm, prefix, false);
  return params
    .map((p) => ({ name: (p.Name ?? '').slice(prefix.length), lastModified: p.LastModifiedDate?.toISOString() }))
    .filter((p) => CONFIG_NAME_PATTERN.test(p.name))
    .map((p) => (p.lastModified ? p : { name: p.name }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Every parameter of the project (config, computed values, secret files) with its current version; no values are read. */
export async function readConfigVersions(ssm: SSMClient, project: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const p of await describeUnder(ssm, configPrefix(project), true)) if (p.Name && p.Version !== undefined) out[p.Name] = p.Version;
  return out;
}

/** Names under Defang's `/Defang/<project>/<stack>/` (metadata only). */
export async function listDefangConfig(ssm: SSMClient, project: string): Promise<{ name: string; stack: string }[]> {
  const prefix = defangPrefix(project);
  const params = await describeUnder(ssm, prefix, true);
  const found: { name: string; stack: string }[] = [];
  for (const p of params) {
    const rest = (p.Name ?? '').slice(prefix.length).split('/');
    if (rest.length === 2 && rest[0] && CONFIG_NAME_PATTERN.test(rest[1]!)) found.push({ stack: rest[0], name: rest[1]! });
  }
  return found.sort((a, b) => a.stack.localeCompare(b.stack) || a.name.localeCompare(b.name));
}

/**
 * The project's config: every required name (from the compose file) and every stored one,
 * whether it is set, when it changed, and which services use it. Never values.
 */
export async function listConfig(ssm: SSMClient, project: string, required: readonly RequiredConfig[]): Promise<ConfigListing> {
  const [stored, defang] = await Promise.all([listStoredConfig(ssm, project), listDefangConfig(ssm, project)]);
  const storedByName = new Map(stored.map((s) => [s.name, s]));
  const requiredByName = new Map(required.map((r) => [r.name, r]));
  const names = [...new Set([...requiredByName.keys(), ...storedByName.keys()])].sort();
  const entries: ConfigEntry[] = names.map((name) => {
    const s = storedByName.get(name);
    const entry: ConfigEntry = { name, isSet: s !== undefined, required: requiredByName.has(name), usedBy: requiredByName.get(name)?.usedBy ?? [] };
    if (s?.lastModified) entry.lastModified = s.lastModified;
    return entry;
  });
  return {
    project,
    entries,
    missing: entries.filter((e) => e.required && !e.isSet).map((e) => e.name),
    // Only what Berth lacks is worth offering to copy.
    defangImportable: defang.filter((d) => !storedByName.has(d.name)),
  };
}

/** The project's file secrets: where each comes from, whether the file is fit, when a deploy last stored it. Never values. */
export async function listSecretFiles(ssm: SSMClient, project: Pick<ProjectConfigNeeds, 'name' | 'secrets' | 'services'>): Promise<SecretFileEntry[]> {
  const files = project.secrets.flatMap((s) => (s.source.kind === 'file' ? [{ name: s.name, path: s.source.path, shown: s.source.shown }] : []));
  if (files.length === 0) return [];
  const stored = new Map((await describeUnder(ssm, `/Berth/${project.name}/_files/`, false)).map((p) => [p.Name ?? '', p.LastModifiedDate?.toISOString()]));
  return Promise.all(
    files.map(async (f) => {
      const problem = await fileProblem(f.path);
      const lastStored = stored.get(secretFileParameterName(project.name, f.name));
      const mountedBy = project.services.flatMap((s) => (s.secretFiles ?? []).filter((x) => x.secret === f.name).map((x) => ({ service: s.name, path: x.path })));
      return { name: f.name, file: f.shown, mountedBy, ...(problem ? { problem } : {}), ...(lastStored ? { lastStored } : {}) };
    }),
  );
}

/** Required names that are not set yet. */
export async function missingConfig(ssm: SSMClient, project: string, required: readonly string[]): Promise<string[]> {
  if (required.length === 0) return [];
  const stored = new Set((await listStoredConfig(ssm, project)).map((s) => s.name));
  return [...new Set(required)].filter((n) => !stored.has(n)).sort();
}

/** The deploy pipeline's config gate: raises CONFIG_MISSING listing every missing name. */
export async function assertConfigSet(ssm: SSMClient, project: string, required: readonly string[]): Promise<void> {
  const missing = await missingConfig(ssm, project, required);
  if (missing.length > 0) {
    raise('CONFIG_MISSING', `Set ${missing.join(', ')} in Secrets before deploying ${project}.`, { missing });
  }
}

/** Sets (or overwrites) one value as a tagged SecureString. */
export async function setConfig(ssm: SSMClient, project: string, name: string, value: string, uses?: ValueUses): Promise<StoredConfig> {
  assertConfigName(name);
  assertValue(name, value);
  const problem = uses ? configValueProblem(uses, name, value) : undefined;
  if (problem) raise('INVALID_ARGUMENT', problem, { name });
  const parameter = configParameter(project, name);
  const tags = berthTags(project);
  await withoutValue(value, async () => {
    try {
      // A new parameter gets its tags in the same call.
      await ssm.send(new PutParameterCommand({ Name: parameter, Value: value, Type: 'SecureString', Tags: tags, Description: `Berth config for ${project}` }));
    } catch (error) {
      if ((error as { name?: string }).name !== 'ParameterAlreadyExists') throw error;
      // SSM refuses Tags together with Overwrite, so an existing one is overwritten and re-tagged.
      await ssm.send(new PutParameterCommand({ Name: parameter, Value: value, Type: 'SecureString', Overwrite: true }));
      await ssm.send(new AddTagsToResourceCommand({ ResourceType: 'Parameter', ResourceId: parameter, Tags: tags }));
    }
  });
  return { name, lastModified: new Date().toISOString() };
}

/** A random value from letters and digits (safe inside URLs and connection strings). */
export function randomConfigValue(length = 32): string {
  if (!Number.isInteger(length) || length < 16 || length > 128) raise('INVALID_ARGUMENT', 'Generated values are 16 to 128 characters long.');
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

/** Sets a config value to a fresh random string; the value is never returned. */
export async function generateConfig(ssm: SSMClient, project: string, name: string, length = 32, uses?: ValueUses): Promise<StoredConfig> {
  const problem = uses ? generatedValueProblem(uses, name) : undefined;
  if (problem) raise('INVALID_ARGUMENT', problem, { name });
  return setConfig(ssm, project, name, randomConfigValue(length), uses);
}

/** Deletes config values in batches; names already gone count as deleted (idempotent). */
export async function deleteConfig(ssm: SSMClient, project: string, names: readonly string[]): Promise<string[]> {
  names.forEach(assertConfigName);
  const deleted: string[] = [];
  for (const batch of chunks([...new Set(names)], BATCH)) {
    const out = await ssm.send(new DeleteParametersCommand({ Names: batch.map((n) => configParameter(project, n)) }));
    const prefix = configPrefix(project);
    deleted.push(...(out.DeletedParameters ?? []).map((p) => p.slice(prefix.length)));
  }
  return deleted;
}

/** Deletes every parameter under `/Berth/<project>/` (config and derived values); returns how many. */
export async function deleteAllConfig(ssm: SSMClient, project: string): Promise<number> {
  return deleteParametersUnder(ssm, configPrefix(project));
}

/** Deletes what the deploy pipeline wrote from the project (`/Berth/<project>/_derived/` and `_files/`); returns how many. */
export async function deleteDerivedConfig(ssm: SSMClient, project: string): Promise<number> {
  // Computed values and stored secret files: both are remade from the project at the next deploy.
  const derived = await deleteParametersUnder(ssm, `${configPrefix(project)}_derived/`);
  return derived + (await deleteParametersUnder(ssm, `${configPrefix(project)}_files/`));
}

/** Names of config values still stored for a project (for teardown's "left behind" report). */
export async function countStoredConfig(ssm: SSMClient, project: string): Promise<number> {
  return (await listStoredConfig(ssm, project)).length;
}

async function deleteParametersUnder(ssm: SSMClient, path: string): Promise<number> {
  const params = await describeUnder(ssm, path, true);
  const names = params.map((p) => p.Name).filter((n): n is string => Boolean(n));
  let count = 0;
  for (const batch of chunks(names, BATCH)) {
    const out = await ssm.send(new DeleteParametersCommand({ Names: batch }));
    count += out.DeletedParameters?.length ?? 0;
  }
  return count;
}

/** Reveals one value: the only way a value reaches the user. */
export async function revealConfig(ssm: SSMClient, project: string, name: string): Promise<string> {
  assertConfigName(name);
  try {
    const out = await ssm.send(new GetParameterCommand({ Name: configParameter(project, name), WithDecryption: true }));
    const value = out.Parameter?.Value;
    if (value === undefined) raise('NOT_FOUND', `${name} is not set for ${project}.`);
    return value;
  } catch (error) {
    if ((error as { name?: string }).name === 'ParameterNotFound') raise('NOT_FOUND', `${name} is not set for ${project}.`, { name });
    throw error;
  }
}

/** Decrypted values for names (engine-internal: the deploy pipeline's derived parameters). Missing names are absent. */
export async function readConfigValues(ssm: SSMClient, parameterNames: readonly string[]): Promise<Map<string, string>> {
  const values = new Map<string, string>();
  for (const batch of chunks([...new Set(parameterNames)], BATCH)) {
    const out = await ssm.send(new GetParametersCommand({ Names: batch, WithDecryption: true }));
    for (const p of out.Parameters ?? []) if (p.Name && p.Value !== undefined) values.set(p.Name, p.Value);
  }
  return values;
}

export interface ImportResult {
  imported: string[];
  skipped: { name: string; reason: string }[];
}

/**
 * Imports values from a .env file (relative to the project folder, or absolute). With `names`,
 * only those are taken. Invalid names and empty values are skipped with the reason.
 */
export async function importEnvFile(ssm: SSMClient, project: string, dir: string, file: string, names?: readonly string[], uses?: ValueUses): Promise<ImportResult> {
  const path = isAbsolute(file) ? file : resolve(dir, file);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    raise('NOT_FOUND', `Could not read ${path}.`);
  }
  // Compose's own .env reader; `${VAR}` resolves only from earlier lines, never from Berth's environment.
  const { entries, problems } = parseDotenv(text);
  const wanted = names ? new Set(names) : undefined;
  const latest = new Map(entries.map((e) => [e.key, { name: e.key, value: e.value ?? '' }]));
  const imported: string[] = [];
  const skipped: ImportResult['skipped'] = problems.map((p) => ({ name: `line ${p.line}`, reason: p.message }));
  for (const entry of latest.values()) {
    if (wanted && !wanted.has(entry.name)) continue;
    if (!CONFIG_NAME_PATTERN.test(entry.name)) {
      skipped.push({ name: entry.name.slice(0, 80), reason: 'Not a valid config name' });
      continue;
    }
    if (entry.value.length === 0) {
      skipped.push({ name: entry.name, reason: 'Empty value' });
      continue;
    }
    if (Buffer.byteLength(entry.value, 'utf8') > MAX_VALUE_BYTES) {
      skipped.push({ name: entry.name, reason: `Longer than ${MAX_VALUE_BYTES} bytes` });
      continue;
    }
    const problem = uses ? configValueProblem(uses, entry.name, entry.value) : undefined;
    if (problem) {
      skipped.push({ name: entry.name, reason: problem });
      continue;
    }
    await setConfig(ssm, project, entry.name, entry.value);
    imported.push(entry.name);
  }
  for (const name of wanted ?? []) if (!latest.has(name)) skipped.push({ name, reason: `Not in ${file}` });
  return { imported, skipped };
}

/** Copies values from Defang's `/Defang/<project>/<stack>/NAME` into Berth's config. */
export async function importDefang(ssm: SSMClient, project: string, stack: string, names: readonly string[], uses?: ValueUses): Promise<{ imported: string[] }> {
  names.forEach(assertConfigName);
  if (!/^[A-Za-z0-9_.-]{1,128}$/.test(stack)) raise('INVALID_ARGUMENT', `"${stack.slice(0, 80)}" is not a Defang stack name.`);
  const prefix = defangPrefix(project, stack);
  const values = await readConfigValues(ssm, names.map((n) => `${prefix}${n}`));
  const missing = names.filter((n) => !values.has(`${prefix}${n}`));
  if (missing.length > 0) raise('NOT_FOUND', `Defang has no ${missing.join(', ')} for ${project} in stack ${stack}.`, { missing });
  const imported: string[] = [];
  // Every value is checked before any is written: a refused one leaves nothing half-imported.
  for (const name of names) {
    const problem = uses ? configValueProblem(uses, name, values.get(`${prefix}${name}`)!) : undefined;
    if (problem) raise('INVALID_ARGUMENT', problem, { name });
  }
  for (const name of names) {
    await setConfig(ssm, project, name, values.get(`${prefix}${name}`)!);
    imported.push(name);
  }
  return { imported };
}
