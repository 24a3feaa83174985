/** app:* — facts about the running app, and opening links safely. */
import { platform } from 'node:process';
import { raise } from '../../shared/result';
import type { HandlersFor } from './handler-types';

/** Only https links leave the app, and only to the system browser. */
export function assertSafeExternalUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    raise('INVALID_ARGUMENT', `Not a valid URL: ${url.slice(0, 200)}`);
  }
  if (parsed.protocol !== 'https:') raise('INVALID_ARGUMENT', `Only https links can be opened (got ${parsed.protocol.replace(':', '')}).`);
}

export const appHandlers = {
  'app:info': async (_args, ctx) => ({
    name: 'Berth',
    version: ctx.version,
    shell: ctx.shell === 'desktop' ? 'desktop' : 'web',
    platform,
    dataDir: ctx.dataDir,
    nativeDialogs: ctx.abilities.pickFolder !== undefined,
  }),
  'app:openExternal': async ({ url }, ctx) => {
    assertSafeExternalUrl(url);
    await ctx.abilities.openExternal(url);
    return null;
  },
} satisfies HandlersFor<'app'>;
