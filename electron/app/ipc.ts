/**
 * IPC registration: one `ipcMain.handle` per contract method, all from the handler map.
 * Every call checks the sender frame (only the app's own page may call) and goes through
 * `dispatch`, which parses the argument with zod and always answers with a Result.
 */
import { METHOD_NAMES } from '../../shared/contract';
import { fail, type Result } from '../../shared/result';
import type { AppContext } from '../api/context';
import { dispatch } from '../api/dispatch';
import type { Handlers } from '../api/handler-types';
import { isAppUrl } from './security';

export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}
export interface IpcEventLike {
  senderFrame?: { url: string } | null;
}

/** Registers every contract method; returns a function that unregisters them. */
export function registerIpc(ipcMain: IpcMainLike, handlers: Handlers, ctx: AppContext, appUrl: string): () => void {
  for (const name of METHOD_NAMES) {
    ipcMain.handle(name, async (event, ...args): Promise<Result<unknown>> => {
      const frameUrl = event.senderFrame?.url ?? '';
      if (!isAppUrl(frameUrl, appUrl)) {
        return fail('UNTRUSTED_SENDER', 'This request did not come from Berth’s own window and was refused.');
      }
      if (args.length > 1) return fail('INVALID_ARGUMENT', `${name} takes one argument object`);
      return dispatch(handlers, ctx, name, args[0]);
    });
  }
  return () => {
    for (const name of METHOD_NAMES) ipcMain.removeHandler(name);
  };
}
