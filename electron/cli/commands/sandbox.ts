/** `berth sandbox`: runs Berth's local AWS-compatible sandbox in the foreground (point the AWS CLI at it with `--endpoint-url`). */
import { resolve } from 'node:path';
import { appSandboxDir } from '../../sandbox/app-service';
import { startSandbox } from '../../sandbox/index';
import { deleteState } from '../../sandbox/state';
import { UsageError, type Command } from '../command';

export const sandboxCommand: Command = {
  name: 'sandbox',
  usage: 'berth sandbox [--port N] [--data DIR] [--speed instant|realistic] [--speed-factor F] [--reset] [--json]',
  summary: "Run Berth's local AWS-compatible sandbox (prints its endpoint URL first)",
  options: {
    port: { type: 'string', description: 'Port on 127.0.0.1 (default: a free one)' },
    data: { type: 'string', description: "Folder for the sandbox's state file (default: the app's sandbox folder)" },
    speed: { type: 'string', description: 'instant (default) or realistic (AWS-like durations)' },
    'speed-factor': { type: 'string', description: 'Multiplies realistic durations (0.1 = ten times faster than AWS)' },
    reset: { type: 'boolean', description: 'Erase the saved state before starting' },
  },
  async run(run) {
    const port = run.options.port === undefined ? 0 : Number(run.options.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--port must be a number between 0 and 65535');
    const speed = (run.options.speed as string | undefined) ?? 'instant';
    if (speed !== 'instant' && speed !== 'realistic') throw new UsageError('--speed must be instant or realistic');
    const factor = run.options['speed-factor'] === undefined ? 1 : Number(run.options['speed-factor']);
    if (!Number.isFinite(factor) || factor <= 0) throw new UsageError('--speed-factor must be a positive number');
    const dataDir = typeof run.options.data === 'string' ? resolve(run.options.data) : appSandboxDir(run.context().dataDir);
    if (run.options.reset === true) await deleteState(dataDir);
    const sandbox = await startSandbox({ port, dataDir, speed, speedFactor: factor });
    if (run.json) {
      run.io.out(JSON.stringify({ endpoint: sandbox.endpoint, region: sandbox.region, account: sandbox.account, accessKeyId: sandbox.credentials.accessKeyId, secretAccessKey: sandbox.credentials.secretAccessKey, dataFile: sandbox.dataFile, speed }));
    } else {
      run.io.out(sandbox.endpoint);
      run.io.out(`Berth sandbox (local, not AWS): account ${sandbox.account}, region ${sandbox.region}, speed ${speed}${speed === 'realistic' ? ` x${factor}` : ''}`);
      run.io.out(`State: ${sandbox.dataFile}`);
      run.io.out(`Credentials: AWS_ACCESS_KEY_ID=${sandbox.credentials.accessKeyId} AWS_SECRET_ACCESS_KEY=${sandbox.credentials.secretAccessKey}`);
      run.io.out(`Try: aws --endpoint-url ${sandbox.endpoint} --region ${sandbox.region} sts get-caller-identity`);
      run.io.out('Press Ctrl+C to stop (the state is saved).');
    }
    await run.io.interrupted;
    await sandbox.close();
    run.io.err('berth: sandbox stopped; state saved.');
    return 0;
  },
};
