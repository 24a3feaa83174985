/** Dispatches a JSON 1.1 request to the operation named by `X-Amz-Target`. */
import { fail } from '../errors';
import type { SandboxCore } from '../core';
import { header, type SandboxRequest, type SandboxResponse } from '../http';
import { jsonResponse, parseJsonBody } from './json';
import type { Input } from './input';

export type JsonOperation = (input: Input, core: SandboxCore, req: SandboxRequest) => unknown;

/** The operation name in `X-Amz-Target` (`AmazonSSM.GetParameter` → `GetParameter`). */
export function jsonOperationName(req: Pick<SandboxRequest, 'headers'>): string {
  const target = header(req, 'x-amz-target') ?? '';
  return target.slice(target.indexOf('.') + 1);
}

/** Runs the named operation; an operation the sandbox lacks fails as AWS does for an unknown one. */
export async function dispatchJson(req: SandboxRequest, core: SandboxCore, ops: Record<string, JsonOperation>, serviceLabel: string): Promise<SandboxResponse> {
  const name = jsonOperationName(req);
  const op = Object.prototype.hasOwnProperty.call(ops, name) ? ops[name] : undefined;
  if (!op) fail('UnknownOperationException', `${serviceLabel} ${name || '(no operation)'} is not supported by the Berth sandbox.`);
  const output = await op(parseJsonBody(req.body), core, req);
  return jsonResponse(output ?? {});
}
