/**
 * Lifecycle policy text checked as PutLifecyclePolicy checks it: the length limits, then ECR's JSON
 * schema (its errors come in the JSON schema validator's words: "object has missing required
 * properties", "instance value (...) not found in enum"...), then the rules between rules.
 */
import { fail } from '../errors';
import { invalidParameter } from './images';

export type TagStatus = 'tagged' | 'untagged' | 'any';

/** One rule, as the evaluator needs it. */
export interface LifecycleRule {
  rulePriority: number;
  tagStatus: TagStatus;
  tagPrefixList?: string[];
  tagPatternList?: string[];
  countType: 'imageCountMoreThan' | 'sinceImagePushed';
  countNumber: number;
}

type Json = Record<string, unknown>;

const RULE_REQUIRED = ['action', 'rulePriority', 'selection'];
const RULE_ALLOWED = [...RULE_REQUIRED, 'description'];
const SELECTION_REQUIRED = ['countNumber', 'countType', 'tagStatus'];
const SELECTION_ALLOWED = [...SELECTION_REQUIRED, 'countUnit', 'storageClass', 'tagPatternList', 'tagPrefixList'];
const TAG_STATUSES = ['tagged', 'untagged', 'any'];
const COUNT_TYPES = ['imageCountMoreThan', 'sinceImagePushed', 'sinceImagePulled', 'sinceImageTransitioned'];
const MAX_WILDCARDS = 4;

/** Fails with ECR's wrapper around a validation detail. */
function refuse(detail: string): never {
  fail('InvalidParameterException', `Invalid parameter at 'LifecyclePolicyText' failed to satisfy constraint: 'Lifecycle policy validation failure: ${detail}'`);
}

/** Archive storage is newer than the sandbox: refuse it plainly rather than pretend to apply it. */
function unsupported(what: string): never {
  fail('InvalidParameterException', `Lifecycle rules that ${what} are not supported by the Berth sandbox (it keeps no archive storage class and no pull times).`);
}

/** The JSON schema type name of a value (`integer` for whole numbers). */
function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function requireType(value: unknown, type: 'object' | 'array' | 'string' | 'integer'): void {
  if (jsonType(value) !== type) refuse(`instance type (${jsonType(value)}) does not match any allowed primitive type (allowed: ["${type}"])`);
}

function requireProperties(obj: Json, required: string[], allowed: string[]): void {
  const missing = required.filter((k) => !(k in obj));
  if (missing.length > 0) refuse(`object has missing required properties (${JSON.stringify(missing)})`);
  const extra = Object.keys(obj).filter((k) => !allowed.includes(k)).sort();
  if (extra.length > 0) refuse(`object instance has properties which are not allowed by the schema: (${JSON.stringify(extra)})`);
}

function requireEnum(value: unknown, values: string[]): void {
  if (typeof value !== 'string' || !values.includes(value)) refuse(`instance value (${JSON.stringify(value)}) not found in enum (possible values: ${JSON.stringify(values)})`);
}

function requireWholeNumberFromOne(value: unknown): number {
  requireType(value, 'integer');
  const n = value as number;
  if (n < 1) refuse(`numeric instance is lower than the required minimum (minimum: 1, found: ${n})`);
  return n;
}

function stringList(value: unknown): string[] {
  requireType(value, 'array');
  const list = value as unknown[];
  if (list.length === 0) refuse('array is too short: must have at least 1 elements but instance has 0 elements');
  for (const item of list) requireType(item, 'string');
  return list as string[];
}

/** The policy text as JSON with a `rules` array. */
function parseRules(text: string): unknown[] {
  let policy: unknown;
  try {
    policy = JSON.parse(text);
  } catch {
    refuse('Could not map policyString into LifecyclePolicy.');
  }
  requireType(policy, 'object');
  requireProperties(policy as Json, ['rules'], ['rules']);
  const rules = (policy as Json).rules;
  requireType(rules, 'array');
  if ((rules as unknown[]).length === 0) refuse('array is too short: must have at least 1 elements but instance has 0 elements');
  return rules as unknown[];
}

function readAction(value: unknown): void {
  requireType(value, 'object');
  const action = value as Json;
  requireProperties(action, ['type'], ['type', 'targetStorageClass']);
  requireEnum(action.type, ['expire', 'transition']);
  if (action.type === 'transition' || 'targetStorageClass' in action) unsupported('transition images to another storage class');
}

/** `countUnit` goes with `sinceImagePushed` and nothing else: ECR's schema has one branch for each. */
function readCount(selection: Json): Pick<LifecycleRule, 'countType' | 'countNumber'> {
  requireEnum(selection.countType, COUNT_TYPES);
  if (selection.countType === 'sinceImagePulled' || selection.countType === 'sinceImageTransitioned') unsupported(`count ${selection.countType}`);
  const byAge = selection.countType === 'sinceImagePushed';
  if (byAge !== ('countUnit' in selection)) refuse('instance failed to match exactly one schema (matched 0 out of 2)');
  if (byAge) requireEnum(selection.countUnit, ['days']);
  return { countType: selection.countType as LifecycleRule['countType'], countNumber: requireWholeNumberFromOne(selection.countNumber) };
}

function readTagLists(selection: Json): Pick<LifecycleRule, 'tagPrefixList' | 'tagPatternList'> {
  return {
    ...('tagPrefixList' in selection ? { tagPrefixList: stringList(selection.tagPrefixList) } : {}),
    ...('tagPatternList' in selection ? { tagPatternList: stringList(selection.tagPatternList) } : {}),
  };
}

function readSelection(value: unknown): Omit<LifecycleRule, 'rulePriority'> {
  requireType(value, 'object');
  const selection = value as Json;
  requireProperties(selection, SELECTION_REQUIRED, SELECTION_ALLOWED);
  requireEnum(selection.tagStatus, TAG_STATUSES);
  if ('storageClass' in selection) {
    requireEnum(selection.storageClass, ['standard', 'archive']);
    if (selection.storageClass === 'archive') unsupported('select archived images');
  }
  return { tagStatus: selection.tagStatus as TagStatus, ...readTagLists(selection), ...readCount(selection) };
}

function readRule(value: unknown): LifecycleRule {
  requireType(value, 'object');
  const rule = value as Json;
  requireProperties(rule, RULE_REQUIRED, RULE_ALLOWED);
  if ('description' in rule) requireType(rule.description, 'string');
  const rulePriority = requireWholeNumberFromOne(rule.rulePriority);
  readAction(rule.action);
  return { rulePriority, ...readSelection(rule.selection) };
}

/** A rule's tag selection on its own: lists only with `tagged`, one kind of list, at most four wildcards a pattern. */
function checkTagSelection(rule: LifecycleRule): void {
  const lists = (rule.tagPrefixList ? 1 : 0) + (rule.tagPatternList ? 1 : 0);
  if (rule.tagStatus === 'tagged' && lists === 0) refuse('Must specify tagPrefixList or tagPatternList when tagStatus=TAGGED.');
  if (rule.tagStatus !== 'tagged' && lists > 0) refuse(`tagPrefixList and tagPatternList can only be specified when tagStatus=TAGGED.`);
  if (lists > 1) refuse('A rule can specify tagPrefixList or tagPatternList, not both.');
  for (const pattern of rule.tagPatternList ?? []) {
    if (pattern.split('*').length - 1 > MAX_WILDCARDS) refuse(`tagPatternList entry '${pattern}' has more than ${MAX_WILDCARDS} wildcards (*).`);
  }
}

/** The rules between rules: unique priorities, one untagged rule, an `any` rule last. */
function checkRuleSet(rules: LifecycleRule[]): void {
  const priorities = rules.map((r) => r.rulePriority);
  const repeated = priorities.find((p, i) => priorities.indexOf(p) !== i);
  if (repeated !== undefined) refuse(`Rule priorities must be unique: ${repeated} is used more than once.`);
  if (rules.filter((r) => r.tagStatus === 'untagged').length > 1) refuse('Only one rule can select Untagged images per storage class.');
  const highest = Math.max(...priorities);
  if (rules.some((r) => r.tagStatus === 'any' && r.rulePriority !== highest)) refuse('Rule for tagStatus=ANY must have the lowest priority per storage class');
}

/** Checks a policy text as PutLifecyclePolicy does and returns its rules by priority; fails with ECR's InvalidParameterException. */
export function parseLifecyclePolicy(text: string): LifecycleRule[] {
  if (text.length < 100) invalidParameter('lifecyclePolicyText', 'Member must have length greater than or equal to 100');
  if (text.length > 30_720) invalidParameter('lifecyclePolicyText', 'Member must have length less than or equal to 30720');
  const rules = parseRules(text).map(readRule);
  for (const rule of rules) checkTagSelection(rule);
  checkRuleSet(rules);
  return [...rules].sort((a, b) => a.rulePriority - b.rulePriority);
}
