/**
 * Dynamic references `{{resolve:ssm:name[:version]}}` and `{{resolve:ssm-secure:name[:version]}}`,
 * resolved against the sandbox's own SSM only when a resource is created or updated: the
 * resolved value goes to the resource and nowhere else (not events, not stored properties).
 */
import { fail } from '../errors';
import type { SandboxCore } from '../core';
import { findParameter } from '../ssm';

const PATTERN = /\{\{resolve:([a-z-]+):([^}]+)\}\}/g;

/** True when the value (deeply) holds a dynamic reference. */
export function hasDynamicReference(value: unknown): boolean {
  if (typeof value === 'string') return /\{\{resolve:/.test(value);
  if (Array.isArray(value)) return value.some(hasDynamicReference);
  if (value !== null && typeof value === 'object') return Object.values(value).some(hasDynamicReference);
  return false;
}

function resolveOne(core: SandboxCore, service: string, reference: string): string {
  if (service !== 'ssm' && service !== 'ssm-secure') {
    fail('ValidationError', `The Berth sandbox resolves only ssm and ssm-secure dynamic references, not {{resolve:${service}:...}}.`);
  }
  const p = findParameter(core, reference);
  // CloudFormation words a missing parameter and a missing version (`name:3`) alike, naming the reference.
  if (!p) fail('ValidationError', `Parameters: [${service}:${reference}] cannot be found.`);
  if (service === 'ssm' && p.type === 'SecureString') fail('ValidationError', `Parameters [${reference}] referenced by template have types not supported by CloudFormation.`);
  if (service === 'ssm-secure' && p.type !== 'SecureString') fail('ValidationError', `Parameter [${reference}] referenced by {{resolve:ssm-secure}} is not a SecureString.`);
  return p.value;
}

/** Replaces every dynamic reference in the value with the value of the version it names (the latest without a version). */
export function resolveDynamicReferences<T>(core: SandboxCore, value: T): T {
  if (typeof value === 'string') return value.replace(PATTERN, (_m, service: string, reference: string) => resolveOne(core, service, reference)) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => resolveDynamicReferences(core, v)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = resolveDynamicReferences(core, v);
    return out as T;
  }
  return value;
}
