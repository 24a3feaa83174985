/**
 * The slice of EventBridge Berth's project stack uses: rules (created by CloudFormation) whose
 * pattern matches ECS task and service state changes and whose target is a log group.
 */
import type { BusEvent, SandboxCore } from '../core';
import { uuid } from '../ids';
import { writeLog } from '../logs/store';

/** EventBridge pattern matching: arrays of allowed values, `prefix`, `anything-but`, `exists`, nested objects. */
export function matchesPattern(pattern: unknown, value: unknown): boolean {
  if (pattern === null || typeof pattern !== 'object') return pattern === value;
  if (Array.isArray(pattern)) {
    return pattern.some((allowed) => {
      if (allowed !== null && typeof allowed === 'object' && !Array.isArray(allowed)) {
        const rule = allowed as Record<string, unknown>;
        if ('prefix' in rule) return typeof value === 'string' && value.startsWith(String(rule.prefix));
        if ('suffix' in rule) return typeof value === 'string' && value.endsWith(String(rule.suffix));
        if ('exists' in rule) return (value !== undefined) === rule.exists;
        if ('anything-but' in rule) {
          const but = rule['anything-but'];
          return Array.isArray(but) ? !but.includes(value) : value !== but;
        }
        return false;
      }
      return Array.isArray(value) ? value.includes(allowed) : value === allowed;
    });
  }
  const object = pattern as Record<string, unknown>;
  const target = (value ?? {}) as Record<string, unknown>;
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
