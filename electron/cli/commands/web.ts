/** `berth web`: serves the app to a browser through the web bridge (same as `npm run web`). */
import { existsSync } from 'node:fs';
import { handlers } from '../../api/handlers';
import { startBridge } from '../../bridge/server';
import { rendererDir } from '../paths';
import { UsageError, type Command } from '../command';

export const webCommand: Command = {
  name: 'web',
  usage: 'berth web [--port N] [--json]',
  summary: 'Serve the app to your browser on 127.0.0.1 (prints the URL with its access token)',
  options: { port: { type: 'string', description: 'Port to listen on (default: a free one)' } },
  async run(run) {
    const port = run.options.port === undefined ? 0 : Number(run.options.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--port must be a number between 0 and 65535');
    const dir = rendererDir();
    if (!existsSync(dir)) {
      run.io.err(`berth: the app is not built (${dir} is missing). Run \`npm run build\` first, or use \`npm run web\`.`);
      return 1;
    }
    const ctx = run.context();
    const bridge = await startBridge({ handlers, ctx, port, rendererDir: dir });
    if (run.json) run.io.out(JSON.stringify({ url: bridge.url, port: bridge.port }));
    else {
      run.io.out(`Berth is running at ${bridge.url}`);
      run.io.out('Open that address in your browser (it carries this launch’s access token). Press Ctrl+C to stop.');
    }
    await run.io.interrupted;
    await bridge.close();
    await ctx.dispose();
    return 0;
  },
};
