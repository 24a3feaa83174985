/**
 * Healthchecks: the compose test in exec form, durations in seconds within what ECS accepts,
 * and the HTTP path the load balancer should check, read from a curl/wget (or any) test that
 * calls the container on localhost.
 */
import type { Healthcheck } from '../../shared/domain/project';
import type { Report } from './report';
import { get, str, type SNode } from './tree';
import { parseDuration } from './units';

/** ECS's limits for container health checks (seconds, retries). */
const LIMITS = {
  interval: { min: 5, max: 300, default: 30 },
  timeout: { min: 2, max: 60, default: 30 },
  startPeriod: { min: 0, max: 300, default: 0 },
  retries: { min: 1, max: 10, default: 3 },
} as const;

const LOCAL_URL = /\bhttps?:\/\/(?:localhost|127\.0\.0\.1|0\.0\.0\.0|\[::1\])(?::(\d+))?(\/[^\s'"`)\\]*)?/i;
/** curl and wget default to http:// when the URL has no scheme (`curl -f localhost:3000/health`). */
const BARE_LOCAL = /(?:^|[\s'"=])(?:localhost|127\.0\.0\.1|0\.0\.0\.0|\[::1\])(?::(\d+))?(\/[^\s'"`)\\]*)?(?=$|[\s'"`)])/i;
const CURL_OR_WGET = /(^|[\s/'"])(curl|wget)(\s|$)/;

/** What the test checks over HTTP: the path (and port, when written). */
export interface HttpProbe {
  path: string;
  port?: number;
}

/** Reads a service's healthcheck; undefined when it has none (or it is disabled). */
export function serviceHealthcheck(node: SNode | undefined, service: string, report: Report): Healthcheck | undefined {
  if (node?.kind !== 'map') return undefined;
  const disable = get(node, 'disable');
  if (disable?.kind === 'scalar' && (disable.value === true || disable.value === 'true')) return undefined;
  const testNode = get(node, 'test');
  if (!testNode) return undefined;
  let test: string[];
  if (testNode.kind === 'scalar') {
    const s = str(testNode) ?? '';
    if (s.trim() === '') return undefined;
    test = ['CMD-SHELL', s];
  } else if (testNode.kind === 'seq') {
    const items = testNode.items.map((i) => str(i) ?? '');
    const kind = items[0];
    if (kind === 'NONE') return undefined;
    if (kind !== 'CMD' && kind !== 'CMD-SHELL') {
      report.error(
        'healthcheck-test-invalid',
        `The healthcheck test of ${service} must start with "CMD", "CMD-SHELL" or "NONE"; found "${kind ?? ''}".`,
        'Write the test as ["CMD", "curl", "-f", "http://localhost:8080/"] or ["CMD-SHELL", "curl -f http://localhost:8080/"].',
        testNode.at,
      );
      return undefined;
    }
    if (items.length < 2) {
      report.error('healthcheck-test-invalid', `The healthcheck test of ${service} has no command after "${kind}".`, 'Add the command to run.', testNode.at);
      return undefined;
    }
    test = kind === 'CMD-SHELL' ? ['CMD-SHELL', items.slice(1).join(' ')] : items;
  } else return undefined;

  const hc: Healthcheck = {
    test,
    intervalSeconds: seconds(node, 'interval', LIMITS.interval, service, report),
    timeoutSeconds: seconds(node, 'timeout', LIMITS.timeout, service, report),
    retries: retries(node, service, report),
    startPeriodSeconds: seconds(node, 'start_period', LIMITS.startPeriod, service, report),
  };
  const probe = httpProbe(test);
  if (probe) hc.httpPath = probe.path;
  return hc;
}

/** The path and port a test calls on localhost over HTTP, if any. */
export function httpProbe(test: string[]): HttpProbe | undefined {
  const command = test.slice(1).join(' ');
  const m = LOCAL_URL.exec(command) ?? (CURL_OR_WGET.test(command) ? BARE_LOCAL.exec(command) : null);
  if (!m) return undefined;
  const raw = m[2] ?? '/';
  // Keep the query string (target groups accept it) but drop anything after a fragment.
  const path = raw.split('#')[0] || '/';
  return m[1] ? { path, port: Number(m[1]) } : { path };
}

function seconds(node: SNode, key: string, limit: { min: number; max: number; default: number }, service: string, report: Report): number {
  const v = get(node, key);
  if (v?.kind !== 'scalar' || v.value === null) return limit.default;
  const parsed = typeof v.value === 'boolean' ? null : parseDuration(v.value);
  if (parsed === null) {
    report.error('healthcheck-duration', `healthcheck.${key} of ${service} is not a duration: "${String(v.value)}".`, 'Write a duration such as 10s, 1m30s or 500ms.', v.at);
    return limit.default;
  }
  return clampReported(parsed, limit, `healthcheck.${key}`, service, v.at, report, 's');
}

function retries(node: SNode, service: string, report: Report): number {
  const v = get(node, 'retries');
  if (v?.kind !== 'scalar' || v.value === null) return LIMITS.retries.default;
  const n = typeof v.value === 'number' ? v.value : /^\s*\d+\s*$/.test(String(v.value)) ? Number(v.value) : NaN;
  if (!Number.isInteger(n)) {
    report.error('healthcheck-retries', `healthcheck.retries of ${service} is not a whole number: "${String(v.value)}".`, 'Write a number of retries from 1 to 10.', v.at);
    return LIMITS.retries.default;
  }
  return clampReported(n, LIMITS.retries, 'healthcheck.retries', service, v.at, report, '');
}

function clampReported(value: number, limit: { min: number; max: number }, name: string, service: string, at: SNode['at'], report: Report, unit: string): number {
  const rounded = unit === 's' ? Math.round(value) : value;
  if (rounded >= limit.min && rounded <= limit.max) return rounded;
  const used = Math.min(limit.max, Math.max(limit.min, rounded));
  report.warning(
    'healthcheck-range',
    `${name} of ${service} is ${value}${unit}, outside what ECS accepts (${limit.min}–${limit.max}${unit}); ${used}${unit} is used.`,
    `Set ${name} between ${limit.min}${unit} and ${limit.max}${unit}.`,
    at,
  );
  return used;
}
