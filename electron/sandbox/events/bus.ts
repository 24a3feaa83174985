/**
 * The slice of EventBridge Berth's project stack uses: rules (created by CloudFormation) whose
 * pattern matches ECS task and service state changes and whose target is a log group.
 */
import type { BusEvent, SandboxCore } from '../core';
import { uuid } from '../ids';
import { writeLog } from '../logs/store';

/** `*` matches any run of characters (EventBridge's `wildcard` filter); everything else is literal. */
function wildcardMatches(pattern: string, value: string): boolean {
  const source = pattern.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${source}$`, 's').test(value);
}

/** One leaf filter against one scalar value. */
function leafMatches(allowed: unknown, value: unknown): boolean {
  if (allowed === null || typeof allowed !== 'object' || Array.isArray(allowed)) return value === allowed;
  const rule = allowed as Record<string, unknown>;
  if ('prefix' in rule) return typeof value === 'string' && value.startsWith(String(rule.prefix));
  if ('suffix' in rule) return typeof value === 'string' && value.endsWith(String(rule.suffix));
  if ('wildcard' in rule) return typeof value === 'string' && wildcardMatches(String(rule.wildcard), value);
  if ('anything-but' in rule) {
    const but = rule['anything-but'];
    return Array.isArray(but) ? !but.includes(value) : value !== but;
  }
  return false;
}

/**
 * EventBridge pattern matching: arrays of allowed values, `prefix`, `suffix`, `wildcard`,
 * `anything-but`, `exists`, nested objects and `$or`. An array in the event (such as
 * `resources`) matches when any of its elements does.
 */
export function matchesPattern(pattern: unknown, value: unknown): boolean {
  if (pattern === null || typeof pattern !== 'object') return pattern === value;
  if (Array.isArray(pattern)) {
    return pattern.some((allowed) => {
      if (allowed !== null && typeof allowed === 'object' && 'exists' in allowed) return (value !== undefined) === (allowed as { exists: unknown }).exists;
      return Array.isArray(value) ? value.some((v) => leafMatches(allowed, v)) : leafMatches(allowed, value);
    });
  }
  const { $or: alternatives, ...object } = pattern as Record<string, unknown>;
  const target = (value ?? {}) as Record<string, unknown>;
  if (Array.isArray(alternatives) && !alternatives.some((alternative) => matchesPattern(alternative, value))) return false;
  return Object.entries(object).every(([key, sub]) => matchesPattern(sub, typeof target === 'object' ? target[key] : undefined));
}

/** Delivers one event to every enabled rule that matches it (log group targets only). */
export function publish(core: SandboxCore, event: BusEvent): void {
  const full = {
    version: '0',
    id: uuid(),
    'detail-type': event.detailType,
    source: event.source,
    account: core.account,
    time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: core.region,
    resources: event.resources,
    detail: event.detail,
  };
  for (const rule of core.state.events.rules.values()) {
    if (rule.state !== 'ENABLED' || !rule.pattern || !matchesPattern(rule.pattern, full)) continue;
    for (const target of rule.targets) {
      const m = /^arn:aws:logs:[^:]+:[^:]+:log-group:(.+?)(:\*)?$/.exec(target.arn);
      if (!m) continue;
      try {
        writeLog(core, m[1]!, full.id, [JSON.stringify(full)]);
      } catch {
        // A target log group that no longer exists drops the event, as EventBridge does.
      }
    }
  }
}
