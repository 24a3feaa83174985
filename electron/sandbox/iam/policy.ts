/**
 * The IAM the sandbox evaluates: a CloudFormation-recorded role's inline policies (`Policies`),
 * with Action/NotAction and Resource/NotResource wildcards, explicit Deny, and the string and ARN
 * condition operators over the request's context keys. Managed policy ARNs are AWS's documents and
 * cannot be read; a statement with any other condition operator is not applied.
 */
import type { SandboxCore } from '../core';
import type { GenericResource } from '../state';

/** What a role's inline policies say about one action on one resource. */
export type PolicyDecision = 'allow' | 'explicit-deny' | 'implicit-deny';

type Statement = Record<string, unknown>;

function list(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  return value === undefined ? [] : [String(value)];
}

/** IAM's wildcards: `*` any run of characters, `?` exactly one. */
function wildcard(pattern: string, value: string, ignoreCase = false): boolean {
  const source = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, ignoreCase ? 'is' : 's').test(value);
}

/** Actions are case-insensitive (`bedrock:invokemodel` is `bedrock:InvokeModel`). */
export function actionMatches(pattern: string, action: string): boolean {
  return wildcard(pattern, action, true);
}

/** ARNs match section by section (IAM checks each colon-delimited part); a short pattern's last part takes the rest. */
export function resourceMatches(pattern: string, arn: string): boolean {
  if (pattern === '*') return true;
  const p = pattern.split(':');
  const v = arn.split(':');
  if (p.length < 6) {
    if (v.length < p.length) return false;
    const head = p.slice(0, -1).every((part, i) => wildcard(part, v[i]!));
    return head && wildcard(p[p.length - 1]!, v.slice(p.length - 1).join(':'));
  }
  if (v.length < 6) return false;
  const pp = [...p.slice(0, 5), p.slice(5).join(':')];
  const vv = [...v.slice(0, 5), v.slice(5).join(':')];
  return pp.every((part, i) => wildcard(part, vv[i]!));
}

function statementsOf(role: GenericResource): Statement[] {
  const out: Statement[] = [];
  for (const policy of (role.properties.Policies as { PolicyDocument?: unknown }[] | undefined) ?? []) {
    let doc = policy?.PolicyDocument;
    if (typeof doc === 'string') {
      try {
        doc = JSON.parse(doc);
      } catch {
        continue;
      }
    }
    const statement = (doc as { Statement?: unknown } | undefined)?.Statement;
    for (const s of Array.isArray(statement) ? statement : statement ? [statement] : []) if (s && typeof s === 'object') out.push(s as Statement);
  }
  return out;
}

/** The request context a condition reads (`bedrock:InferenceProfileArn` → the profile a call went through). */
export type RequestContext = Record<string, string>;

/** One condition operator on one key, as IAM evaluates it; undefined for an operator the sandbox does not know. */
function conditionHolds(operator: string, key: string, wanted: unknown, context: RequestContext): boolean | undefined {
  const ifExists = operator.endsWith('IfExists');
  const base = ifExists ? operator.slice(0, -'IfExists'.length) : operator;
  const match = /^(String|Arn)(Not)?(Equals|Like)$/.exec(base);
  if (!match) return undefined;
  const negated = match[2] === 'Not';
  const actual = Object.entries(context).find(([k]) => k.toLowerCase() === key.toLowerCase())?.[1];
  // A key the request does not have: only negated operators (and …IfExists) hold.
  if (actual === undefined) return ifExists || negated;
  const like = match[3] === 'Like' || match[1] === 'Arn';
  const hit = list(wanted).some((w) => (like ? (match[1] === 'Arn' ? resourceMatches(w, actual) : wildcard(w, actual)) : w === actual));
  return negated ? !hit : hit;
}

/** Every operator and key of a Condition block holds (undefined: one the sandbox cannot evaluate). */
export function conditionsHold(condition: unknown, context: RequestContext): boolean | undefined {
  if (condition === undefined) return true;
  if (!condition || typeof condition !== 'object') return undefined;
  for (const [operator, keys] of Object.entries(condition)) {
    if (!keys || typeof keys !== 'object') return undefined;
    for (const [key, wanted] of Object.entries(keys)) {
      const holds = conditionHolds(operator, key, wanted, context);
      if (holds !== true) return holds;
    }
  }
  return true;
}

function applies(s: Statement, action: string, arn: string, context: RequestContext): boolean {
  // A condition the sandbox cannot evaluate leaves the statement out (see the README).
  if (conditionsHold(s.Condition, context) !== true) return false;
  const actionHit = s.NotAction !== undefined ? !list(s.NotAction).some((a) => actionMatches(a, action)) : list(s.Action).some((a) => actionMatches(a, action));
  if (!actionHit) return false;
  return s.NotResource !== undefined ? !list(s.NotResource).some((r) => resourceMatches(r, arn)) : list(s.Resource).some((r) => resourceMatches(r, arn));
}

/** The CloudFormation-recorded role with this ARN (or its `Arn` attribute). */
export function findRole(core: SandboxCore, roleArn: string): GenericResource | undefined {
  return [...core.state.resources.values()].find((r) => r.type === 'AWS::IAM::Role' && (r.arn === roleArn || r.attributes.Arn === roleArn));
}

/** Evaluates a role's inline policies for one action on one resource: an explicit Deny wins, then any Allow. */
export function evaluateRole(core: SandboxCore, roleArn: string, action: string, arn: string, context: RequestContext = {}): PolicyDecision {
  const role = findRole(core, roleArn);
  if (!role) return 'implicit-deny';
  let allowed = false;
  for (const s of statementsOf(role)) {
    if (!applies(s, action, arn, context)) continue;
    if (s.Effect === 'Deny') return 'explicit-deny';
    if (s.Effect === 'Allow') allowed = true;
  }
  return allowed ? 'allow' : 'implicit-deny';
}

/** True when the role's inline policies allow the action on the resource. */
export function roleAllows(core: SandboxCore, roleArn: string, action: string, arn: string): boolean {
  return evaluateRole(core, roleArn, action, arn) === 'allow';
}

/**
 * IAM's refusal in its own words. `resource` is omitted for actions that take no resource
 * (ListFoundationModels), as AWS omits it.
 */
export function deniedMessage(callerArn: string, action: string, resource: string | undefined, decision: PolicyDecision): string {
  const on = resource ? ` on resource: ${resource}` : '';
  return decision === 'explicit-deny'
    ? `User: ${callerArn} is not authorized to perform: ${action}${on} with an explicit deny in an identity-based policy`
    : `User: ${callerArn} is not authorized to perform: ${action}${on} because no identity-based policy allows the ${action} action`;
}
