/** `berth web`: serves the app to a browser through the web bridge (same as `npm run web`), and opens it. */
import { existsSync } from 'node:fs';
import { handlers } from '../../api/handlers';
import { startBridge } from '../../bridge/server';
import { browserFromEnv, reasonNotToOpen, systemOpener, type BrowserOpener, type OpenEnvironment } from '../browser';
import { rendererDir } from '../paths';
import { UsageError, type Command } from '../command';

export interface WebCommandDeps {
  /** Opens the browser (default: the system's, through the `open` package). */
  opener?: BrowserOpener;
  /** The environment the decision to open reads (default: this process's). */
  environment?: () => OpenEnvironment;
  /** The built renderer to serve (default: dist/renderer). */
  rendererDir?: () => string;
}

export function createWebCommand(deps: WebCommandDeps = {}): Command {
  const opener = deps.opener ?? systemOpener;
  const environment = deps.environment ?? (() => ({ env: process.env, platform: process.platform }));
  const findRenderer = deps.rendererDir ?? rendererDir;
  return {
    name: 'web',
    usage: 'berth web [--port N] [--no-open] [--json]',
    summary: 'Serve the app to your browser on 127.0.0.1 and open it there (prints the URL with its access token)',
    options: {
      port: { type: 'string', description: 'Port to listen on (default: a free one)' },
      'no-open': { type: 'boolean', description: 'Do not open the browser (also: BROWSER=none; never in CI or without a display)' },
    },
    async run(run) {
      const port = run.options.port === undefined ? 0 : Number(run.options.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--port must be a number between 0 and 65535');
      const dir = findRenderer();
      if (!existsSync(dir)) {
        run.io.err(`berth: the app is not built (${dir} is missing). Run \`npm run build\` first, or use \`npm run web\`.`);
        return 1;
      }
      const ctx = run.context();
      const bridge = await startBridge({ handlers, ctx, port, rendererDir: dir });
      const env = environment();
      const opening = reasonNotToOpen(run.options['no-open'] === true, env) === undefined;
      if (run.json) run.io.out(JSON.stringify({ url: bridge.url, port: bridge.port, opening }));
      else {
        run.io.out(`Berth is running at ${bridge.url}`);
        run.io.out(
          opening
            ? 'Opening it in your browser (the address carries this launch’s access token). Press Ctrl+C to stop.'
            : 'Open that address in your browser (it carries this launch’s access token). Press Ctrl+C to stop.',
        );
      }
      if (opening) {
        // Never fatal: the server keeps serving and the address is printed above.
        const failed = (error: unknown) =>
          run.io.err(`berth: could not open a browser (${error instanceof Error ? error.message : String(error)}); open the address above yourself.`);
        try {
          opener(bridge.url, browserFromEnv(env.env)).catch(failed);
        } catch (error) {
          failed(error);
        }
      }
      await run.io.interrupted;
      await bridge.close();
      await ctx.dispose();
      return 0;
    },
  };
}

export const webCommand: Command = createWebCommand();
