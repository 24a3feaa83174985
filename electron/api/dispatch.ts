/**
 * The one entry point every transport (IPC, HTTP bridge, tests) calls: checks the method
 * name, parses the argument with the contract's zod schema, runs the handler, and always
 * returns a Result — nothing thrown crosses the boundary.
 */
import { isMethodName, methods, type MethodName } from '../../shared/contract';
import { fail, ok, type Result } from '../../shared/result';
import type { AppContext } from './context';
import { describeZodError, toAppError } from './errors';
import type { Handlers } from './handler-types';

export async function dispatch(handlers: Handlers, ctx: AppContext, name: string, rawArgs: unknown): Promise<Result<unknown>> {
  if (!isMethodName(name)) return fail('UNKNOWN_METHOD', `There is no method named "${name.slice(0, 100)}"`);
  const parsed = methods[name].args.safeParse(rawArgs === undefined ? {} : rawArgs);
  if (!parsed.success) {
    return fail('INVALID_ARGUMENT', `${name}: ${describeZodError(parsed.error)}`, {
      issues: parsed.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })),
    });
  }
  try {
    const handler = handlers[name] as (args: unknown, ctx: AppContext) => Promise<unknown>;
    const value = await handler(parsed.data, ctx);
    return ok(value === undefined ? null : value);
  } catch (error) {
    return { ok: false, error: toAppError(error) };
  }
}

export type { MethodName };
