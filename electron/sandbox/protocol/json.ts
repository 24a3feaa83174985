/** AWS JSON 1.1 (SSM, Logs, ECS, ECR, tagging): `X-Amz-Target` names the operation; errors carry `__type`. */
import { SandboxError } from '../errors';
import type { SandboxResponse } from '../http';

/** Serialises a JSON 1.1 success body; Dates become epoch seconds, as the SDK expects. */
export function jsonResponse(body: unknown): SandboxResponse {
  return {
    status: 200,
    headers: { 'content-type': 'application/x-amz-json-1.1' },
    body: JSON.stringify(body ?? {}, (_key, value: unknown) => value),
  };
}

/** Converts a Date to the epoch-seconds number JSON protocols use. */
export function epoch(date: Date | number | string | undefined): number | undefined {
  if (date === undefined) return undefined;
  const ms = date instanceof Date ? date.getTime() : typeof date === 'number' ? date : Date.parse(date);
  return ms / 1000;
}

/** Serialises an error as JSON 1.1 does: status, `x-amzn-errortype` header and `__type`. */
export function jsonError(error: SandboxError, requestId: string): SandboxResponse {
  return {
    status: error.status,
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': error.code, 'x-amzn-requestid': requestId },
    body: JSON.stringify({ __type: error.code, message: error.message, ...error.extra }),
  };
}

/** Parses a JSON request body (empty means `{}`); malformed JSON is AWS's SerializationException. */
export function parseJsonBody(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  try {
    const value = JSON.parse(body.toString('utf8')) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object');
    return value as Record<string, unknown>;
  } catch {
    throw new SandboxError('SerializationException', 'The request body is not valid JSON.');
  }
}
