/** sandbox:* — Berth's local AWS-compatible sandbox: status, start (then `connection:connect` to its endpoint), stop, reset. */
import { raise } from '../../shared/result';
import { appSandboxStatus, resetAppSandbox, startAppSandbox, stopAppSandbox } from '../sandbox/app-service';
import type { HandlersFor } from './handler-types';

export const sandboxHandlers = {
  'sandbox:status': async (_args, ctx) => appSandboxStatus(ctx),
  'sandbox:start': async (args, ctx) => {
    try {
      return await startAppSandbox(ctx, args.speed);
    } catch (error) {
      raise('SANDBOX_UNAVAILABLE', `The local sandbox could not start: ${error instanceof Error ? error.message : String(error)}`);
    }
  },
  'sandbox:stop': async (_args, ctx) => stopAppSandbox(ctx),
  'sandbox:reset': async (_args, ctx) => resetAppSandbox(ctx),
} satisfies HandlersFor<'sandbox'>;
