/** SSM Parameter Store over JSON 1.1: String, StringList and SecureString parameters with their version history, labels and tags. */
import { createHmac } from 'node:crypto';
import { fail } from '../errors';
import type { SandboxCore } from '../core';
import type { SandboxRequest, SandboxResponse } from '../http';
import { epoch } from '../protocol/json';
import { decodeToken, encodeToken, Fields, tagsFromList, tagsToList, type Input } from '../protocol/input';
import { dispatchJson, type JsonOperation } from '../protocol/json-service';
import { SANDBOX_CALLER_ARN } from '../identity';
import type { SsmParameter, SsmParameterVersion } from '../state';
import { isPublicParameterName, publicParameter } from './public';
import { attachLabels, detachLabels, findVersion, historyAfterOverwrite, labelsOf, versionNotFound, versionsOf } from './versions';

const NAME_PATTERN = /^[a-zA-Z0-9_.\-/]+$/;

/** The ARN of a parameter (`/a/b` → `arn:aws:ssm:r:acct:parameter/a/b`). */
export function parameterArn(core: SandboxCore, name: string): string {
  // AWS's public parameters belong to no account.
  if (isPublicParameterName(name)) return `arn:aws:ssm:${core.region}::parameter${name}`;
  return `arn:aws:ssm:${core.region}:${core.account}:parameter${name.startsWith('/') ? '' : '/'}${name}`;
}

/** A version of a parameter with the parameter's name: what a name or `name:version` selects. */
export interface FoundParameter extends SsmParameterVersion {
  name: string;
}

interface Selector {
  name: string;
  version?: number;
  /** `:3` as AWS echoes it back in `Selector`. */
  selector?: string;
}

// A parameter ARN names `/a/b` as `parameter/a/b` and `a` as `parameter/a`.
function nameOfArn(core: SandboxCore, arn: string, raw: string): string {
  const publicPrefix = `arn:aws:ssm:${core.region}::parameter`;
  if (arn.startsWith(`${publicPrefix}/aws/service/`)) return arn.slice(publicPrefix.length);
  const arnPrefix = `arn:aws:ssm:${core.region}:${core.account}:parameter`;
  if (!arn.startsWith(arnPrefix)) fail('ParameterNotFound', `Parameter ${raw} not found.`);
  const name = arn.slice(arnPrefix.length);
  return core.state.ssm.parameters.has(name) || !name.startsWith('/') ? name : name.slice(1);
}

// Accepts a name or a parameter ARN, either with `:version`.
function parseSelector(core: SandboxCore, raw: string): Selector {
  const versioned = /^(.+):(\d+)$/.exec(raw);
  const base = versioned ? versioned[1]! : raw;
  const name = base.startsWith('arn:') ? nameOfArn(core, base, raw) : base;
  return versioned ? { name, version: Number(versioned[2]), selector: `:${versioned[2]}` } : { name };
}

function validateName(name: string): void {
  if (!NAME_PATTERN.test(name) || name.length > 2048) {
    fail('ValidationException', `Parameter name: can't be prefixed with "aws" or "ssm" (case-insensitive). If formed as a path, it can consist of sub-paths divided by slash symbol; each sub-path can be formed as a mix of letters, numbers and the following 3 symbols .-_`);
  }
  if (/^\/?(aws|ssm)/i.test(name)) fail('ValidationException', `Parameter name: can't be prefixed with "aws" or "ssm" (case-insensitive).`);
  if (name.includes('/') && !name.startsWith('/')) fail('ValidationException', 'Parameter name must be a fully qualified name.');
}

/** What an encrypted SecureString looks like without decryption: an opaque blob that does not reveal the value. */
function ciphertext(p: FoundParameter): string {
  const mac = createHmac('sha256', 'berth-sandbox-kms').update(`${p.name}\0${p.version}\0${p.value}`).digest();
  return Buffer.concat([Buffer.from('berth-sandbox-kms:'), mac]).toString('base64');
}

function shownValue(p: FoundParameter, decrypt: boolean): string {
  return p.type === 'SecureString' && !decrypt ? ciphertext(p) : p.value;
}

function view(core: SandboxCore, p: FoundParameter, decrypt: boolean, selector?: string): Record<string, unknown> {
  return {
    Name: p.name,
    Type: p.type,
    Value: shownValue(p, decrypt),
    Version: p.version,
    LastModifiedDate: epoch(p.lastModified),
    ARN: parameterArn(core, p.name),
    DataType: p.dataType,
    ...(selector ? { Selector: selector } : {}),
  };
}

function metadata(core: SandboxCore, p: FoundParameter): Record<string, unknown> {
  return {
    Name: p.name,
    ARN: parameterArn(core, p.name),
    Type: p.type,
    ...(p.keyId ? { KeyId: p.keyId } : {}),
    LastModifiedDate: epoch(p.lastModified),
    LastModifiedUser: SANDBOX_CALLER_ARN,
    ...(p.description ? { Description: p.description } : {}),
    ...(p.allowedPattern ? { AllowedPattern: p.allowedPattern } : {}),
    Version: p.version,
    Tier: p.tier,
    Policies: [],
    DataType: p.dataType,
  };
}

interface Lookup {
  selector: Selector;
  parameter?: SsmParameter;
  found?: FoundParameter;
}

function lookup(core: SandboxCore, raw: string): Lookup {
  const selector = parseSelector(core, raw);
  const parameter = core.state.ssm.parameters.get(selector.name) ?? publicParameter(core.region, selector.name);
  if (!parameter || selector.version === undefined) return { selector, parameter, found: parameter };
  const version = findVersion(parameter, selector.version);
  return { selector, parameter, found: version && { ...version, name: parameter.name } };
}

/** Looks a parameter version up by name, `name:version` or ARN (the latest without a version); undefined when the parameter or that version is gone. */
export function findParameter(core: SandboxCore, raw: string): FoundParameter | undefined {
  return lookup(core, raw).found;
}

// GetParameter's errors: ParameterNotFound for the name, ParameterVersionNotFound for a version it lacks.
function requireParameter(core: SandboxCore, raw: string): { found: FoundParameter; selector: Selector } {
  const { selector, parameter, found } = lookup(core, raw);
  if (!parameter) fail('ParameterNotFound', `Parameter ${raw} not found.`);
  if (!found) versionNotFound(parameter.name, selector.version!);
  return { found, selector };
}

// GetParameterHistory takes a name or ARN and the label calls only a name; a `:version` suffix is no part of either.
function requireNamed(core: SandboxCore, raw: string, arnAllowed: boolean): SsmParameter {
  const name = arnAllowed && raw.startsWith('arn:') ? nameOfArn(core, raw, raw) : raw;
  const p = core.state.ssm.parameters.get(name);
  if (!p) fail('ParameterNotFound', `Parameter ${raw} not found.`);
  return p;
}

export interface PutParameterInput {
  name: string;
  value: string;
  type?: SsmParameter['type'];
  overwrite?: boolean;
  description?: string;
  keyId?: string;
  tier?: string;
  dataType?: string;
  allowedPattern?: string;
  tags?: Record<string, string>;
}

/** Creates or overwrites a parameter (the same rules as the API). Returns the new version. */
export function putParameter(core: SandboxCore, input: PutParameterInput): SsmParameter {
  validateName(input.name);
  if (input.value === '') fail('ValidationException', "1 validation error detected: Value '' at 'value' failed to satisfy constraint: Member must have length greater than or equal to 1");
  const tier = input.tier ?? 'Standard';
  if (tier === 'Standard' && Buffer.byteLength(input.value) > 4096) {
    fail('ValidationException', 'Standard tier parameters support a maximum parameter value of 4096 characters. To create a larger parameter value, upgrade the parameter to use the advanced-parameter tier.');
  }
  if (input.allowedPattern && !new RegExp(input.allowedPattern).test(input.value)) {
    fail('ParameterPatternMismatchException', `Parameter value, cannot be validated against allowedPattern: ${input.allowedPattern}`);
  }
  const existing = core.state.ssm.parameters.get(input.name);
  if (existing && !input.overwrite) fail('ParameterAlreadyExists', 'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.');
  if (existing && input.tags && Object.keys(input.tags).length > 0) {
    fail('ValidationException', 'Invalid request: tags and overwrite can\'t be used together. To create a parameter with tags, please remove overwrite flag. To update tags for an existing parameter, please use AddTagsToResource or RemoveTagsFromResource.');
  }
  const type = input.type ?? existing?.type;
  if (!type) fail('ValidationException', 'A parameter type is required when you create a parameter.');
  const history = existing ? historyAfterOverwrite(existing) : [];
  const p: SsmParameter = {
    name: input.name,
    type,
    value: input.value,
    version: (existing?.version ?? 0) + 1,
    lastModified: Date.now(),
    description: input.description ?? existing?.description,
    keyId: type === 'SecureString' ? (input.keyId ?? existing?.keyId ?? 'alias/aws/ssm') : undefined,
    tier,
    dataType: input.dataType ?? existing?.dataType ?? 'text',
    allowedPattern: input.allowedPattern ?? existing?.allowedPattern,
    labels: [],
    tags: existing?.tags ?? { ...(input.tags ?? {}) },
    history,
  };
  core.state.ssm.parameters.set(p.name, p);
  core.changed();
  return p;
}

/** Deletes a parameter with every version of it; false when it did not exist. */
export function deleteParameter(core: SandboxCore, name: string): boolean {
  const deleted = core.state.ssm.parameters.delete(name);
  if (deleted) core.changed();
  return deleted;
}

function directChild(path: string, name: string, recursive: boolean): boolean {
  const base = path.endsWith('/') ? path : `${path}/`;
  if (!name.startsWith(base)) return false;
  return recursive || !name.slice(base.length).includes('/');
}

function sortedParameters(core: SandboxCore): SsmParameter[] {
  return [...core.state.ssm.parameters.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

// A MaxResults outside AWS's range fails with its validation wording.
function maxResults(f: Fields, fallback: number, limit: number): number {
  const max = f.optNum('MaxResults') ?? fallback;
  if (max > limit) fail('ValidationException', `1 validation error detected: Value '${max}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to ${limit}`);
  if (max < 1) fail('ValidationException', `1 validation error detected: Value '${max}' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1`);
  return max;
}

// Pages through a sorted list resuming after the name in the token.
function page<T extends { name: string }>(items: T[], token: string | undefined, max: number): { items: T[]; next?: string } {
  const after = decodeToken(token);
  const start = typeof after === 'string' ? items.findIndex((p) => p.name > after) : 0;
  const slice = start < 0 ? [] : items.slice(start, start + max);
  const last = slice[slice.length - 1];
  const more = start >= 0 && start + max < items.length;
  return { items: slice, next: more && last ? encodeToken(last.name) : undefined };
}

function matchesFilter(p: SsmParameter, filter: Input): boolean {
  const key = String(filter.Key ?? '');
  const option = String(filter.Option ?? 'Equals');
  const values = Array.isArray(filter.Values) ? (filter.Values as string[]) : [];
  if (key === 'Name') {
    return values.some((v) => {
      if (option === 'BeginsWith') return p.name.startsWith(v) || p.name.startsWith(`/${v}`);
      if (option === 'Contains') return p.name.includes(v);
      return p.name === v || p.name === `/${v}`;
    });
  }
  if (key === 'Path') return values.some((v) => directChild(v, p.name, option === 'Recursive'));
  if (key === 'Type') return values.includes(p.type);
  if (key === 'KeyId') return p.keyId !== undefined && values.includes(p.keyId);
  if (key === 'Tier') return values.includes(p.tier);
  if (key === 'DataType') return values.includes(p.dataType);
  if (key.startsWith('tag:')) {
    const tag = p.tags[key.slice(4)];
    return tag !== undefined && (values.length === 0 || values.includes(tag));
  }
  fail('InvalidFilterKey', `The filter key ${key} is not valid.`);
}

// Pages through versions (oldest first) resuming after the version number in the token.
function pageVersions(versions: SsmParameterVersion[], token: string | undefined, max: number): { items: SsmParameterVersion[]; next?: string } {
  const after = decodeToken(token);
  if (typeof after === 'string') fail('InvalidNextToken', 'The specified token is not valid.');
  const rest = after === undefined ? versions : versions.filter((v) => v.version > after);
  const items = rest.slice(0, max);
  const last = items[items.length - 1];
  return { items, next: rest.length > max && last ? encodeToken(last.version) : undefined };
}

// Label and Unlabel take 1 to 10 labels.
function labelList(f: Fields): string[] {
  const labels = f.strList('Labels') ?? [];
  if (labels.length === 0 || labels.length > 10) fail('ValidationException', "1 validation error detected: Value at 'labels' failed to satisfy constraint: Member must have length less than or equal to 10 and greater than or equal to 1");
  return labels;
}

function requireTagTarget(core: SandboxCore, f: Fields): SsmParameter {
  const type = f.str('ResourceType');
  if (type !== 'Parameter') fail('InvalidResourceType', `The resource type ${type} is not supported by the Berth sandbox (only Parameter).`);
  const id = f.str('ResourceId');
  const p = core.state.ssm.parameters.get(id) ?? core.state.ssm.parameters.get(`/${id}`);
  if (!p) fail('InvalidResourceId', 'The resource ID is not valid. Verify that you entered the correct ID and try again.');
  return p;
}

const ops: Record<string, JsonOperation> = {
  PutParameter(input, core) {
    const f = new Fields(input);
    const type = f.optStr('Type');
    if (type !== undefined && !['String', 'StringList', 'SecureString'].includes(type)) fail('ValidationException', `1 validation error detected: Value '${type}' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [SecureString, StringList, String]`);
    const p = putParameter(core, {
      name: f.str('Name'),
      value: f.str('Value'),
      type: type as SsmParameter['type'] | undefined,
      overwrite: f.optBool('Overwrite'),
      description: f.optStr('Description'),
      keyId: f.optStr('KeyId'),
      tier: f.optStr('Tier'),
      dataType: f.optStr('DataType'),
      allowedPattern: f.optStr('AllowedPattern'),
      tags: f.objList('Tags') ? tagsFromList(f.objList('Tags')) : undefined,
    });
    return { Version: p.version, Tier: p.tier };
  },
  GetParameter(input, core) {
    const f = new Fields(input);
    const name = f.str('Name');
    const { found, selector } = requireParameter(core, name);
    return { Parameter: view(core, found, f.optBool('WithDecryption') === true, selector.selector) };
  },
  GetParameters(input, core) {
    const f = new Fields(input);
    const names = f.strList('Names') ?? [];
    if (names.length === 0 || names.length > 10) fail('ValidationException', "1 validation error detected: Value at 'names' failed to satisfy constraint: Member must have length less than or equal to 10 and greater than or equal to 1");
    const found: Record<string, unknown>[] = [];
    const invalid: string[] = [];
    for (const name of names) {
      const { found: p, selector } = lookup(core, name);
      if (p) found.push(view(core, p, f.optBool('WithDecryption') === true, selector.selector));
      else invalid.push(name);
    }
    return { Parameters: found, InvalidParameters: invalid };
  },
  GetParametersByPath(input, core) {
    const f = new Fields(input);
    const path = f.str('Path');
    if (!path.startsWith('/')) fail('ValidationException', 'The parameter doesn\'t meet the parameter name requirements. The parameter name must begin with a forward slash "/".');
    const max = maxResults(f, 10, 10);
    const filters = f.objList('ParameterFilters') ?? [];
    const recursive = f.optBool('Recursive') === true;
    const matching = sortedParameters(core).filter((p) => directChild(path, p.name, recursive) && filters.every((flt) => matchesFilter(p, flt)));
    const { items, next } = page(matching, f.optStr('NextToken'), max);
    return { Parameters: items.map((p) => view(core, p, f.optBool('WithDecryption') === true)), ...(next ? { NextToken: next } : {}) };
  },
  DescribeParameters(input, core) {
    const f = new Fields(input);
    const max = maxResults(f, 10, 50);
    const filters = [...(f.objList('ParameterFilters') ?? []), ...(f.objList('Filters') ?? []).map((flt) => ({ ...flt, Option: 'Equals' }))];
    const matching = sortedParameters(core).filter((p) => filters.every((flt) => matchesFilter(p, flt)));
    const { items, next } = page(matching, f.optStr('NextToken'), max);
    return { Parameters: items.map((p) => metadata(core, p)), ...(next ? { NextToken: next } : {}) };
  },
  GetParameterHistory(input, core) {
    const f = new Fields(input);
    const p = requireNamed(core, f.str('Name'), true);
    // Undocumented default, but AWS answers 50 versions a page without MaxResults.
    const max = maxResults(f, 50, 50);
    const decrypt = f.optBool('WithDecryption') === true;
    const { items, next } = pageVersions(versionsOf(p), f.optStr('NextToken'), max);
    const Parameters = items.map((v) => {
      const found = { ...v, name: p.name };
      return { ...metadata(core, found), Value: shownValue(found, decrypt), Labels: [...labelsOf(v)] };
    });
    return { Parameters, ...(next ? { NextToken: next } : {}) };
  },
  LabelParameterVersion(input, core) {
    const f = new Fields(input);
    const p = requireNamed(core, f.str('Name'), false);
    const labels = labelList(f);
    const version = f.optNum('ParameterVersion') ?? p.version;
    const target = findVersion(p, version) ?? versionNotFound(p.name, version);
    const invalid = attachLabels(p, target, labels);
    core.changed();
    return { InvalidLabels: invalid, ParameterVersion: version };
  },
  UnlabelParameterVersion(input, core) {
    const f = new Fields(input);
    const p = requireNamed(core, f.str('Name'), false);
    const labels = labelList(f);
    const version = f.optNum('ParameterVersion');
    if (version === undefined) fail('ValidationException', "1 validation error detected: Value null at 'parameterVersion' failed to satisfy constraint: Member must not be null");
    const target = findVersion(p, version) ?? versionNotFound(p.name, version);
    const { removed, invalid } = detachLabels(target, labels);
    core.changed();
    return { RemovedLabels: removed, InvalidLabels: invalid };
  },
  DeleteParameter(input, core) {
    const name = new Fields(input).str('Name');
    if (!deleteParameter(core, name)) fail('ParameterNotFound', `Parameter ${name} not found.`);
    return {};
  },
  DeleteParameters(input, core) {
    const names = new Fields(input).strList('Names') ?? [];
    if (names.length === 0 || names.length > 10) fail('ValidationException', "1 validation error detected: Value at 'names' failed to satisfy constraint: Member must have length less than or equal to 10 and greater than or equal to 1");
    const deleted: string[] = [];
    const invalid: string[] = [];
    for (const name of names) (deleteParameter(core, name) ? deleted : invalid).push(name);
    return { DeletedParameters: deleted, InvalidParameters: invalid };
  },
  AddTagsToResource(input, core) {
    const f = new Fields(input);
    const p = requireTagTarget(core, f);
    Object.assign(p.tags, tagsFromList(f.objList('Tags')));
    core.changed();
    return {};
  },
  RemoveTagsFromResource(input, core) {
    const f = new Fields(input);
    const p = requireTagTarget(core, f);
    for (const key of f.strList('TagKeys') ?? []) delete p.tags[key];
    core.changed();
    return {};
  },
  ListTagsForResource(input, core) {
    const p = requireTagTarget(core, new Fields(input));
    return { TagList: tagsToList(p.tags) };
  },
};

/** Handles one SSM request. */
export function handleSsm(req: SandboxRequest, core: SandboxCore): Promise<SandboxResponse> {
  return dispatchJson(req, core, ops, 'SSM');
}
