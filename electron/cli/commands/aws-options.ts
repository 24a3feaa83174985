/** The connection flags the AWS-facing commands share, and connecting from them. */
import { resolve } from 'node:path';
import type { ConnectionStatus, ConnectionTarget } from '../../../shared/domain/connection';
import { AppErrorException, raise } from '../../../shared/result';
import { toAppError } from '../../api/errors';
import type { ActiveConnection } from '../../aws/connection';
import { connectionManager } from '../../aws/connection';
import { readSharedFiles, resolveRegion } from '../../aws/profiles';
import { UsageError, type Command, type CommandRun, type OptionSpec } from '../command';

const REGION = /^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/;

/** --profile, --region, --endpoint, --sandbox. */
export const CONNECTION_OPTIONS: Record<string, OptionSpec> = {
  profile: { type: 'string', description: 'AWS profile (default: AWS_PROFILE, environment keys, or `default`)' },
  region: { type: 'string', description: 'AWS region (default: AWS_REGION, AWS_DEFAULT_REGION, or the profile’s region)' },
  endpoint: { type: 'string', description: 'Custom AWS endpoint, e.g. LocalStack or Berth’s sandbox (default: AWS_ENDPOINT_URL)' },
  sandbox: { type: 'boolean', description: 'The endpoint is Berth’s sandbox: use its local credentials' },
};

/** --project DIR. */
export const PROJECT_OPTION: Record<string, OptionSpec> = {
  project: { type: 'string', description: 'Project folder (default: the current folder)' },
};

function stringOption(run: CommandRun, name: string): string | undefined {
  const v = run.options[name];
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

/** The connection target the flags (and the environment, as the AWS CLI reads it) describe. */
export async function targetFromOptions(run: CommandRun, env: NodeJS.ProcessEnv = process.env): Promise<ConnectionTarget> {
  const profile = stringOption(run, 'profile');
  const endpoint = stringOption(run, 'endpoint') ?? (env.AWS_ENDPOINT_URL || undefined);
  const sandbox = run.options.sandbox === true;
  if (sandbox && !endpoint) throw new UsageError('--sandbox needs --endpoint (the address `berth sandbox` printed)');
  if (endpoint) {
    try {
      new URL(endpoint);
    } catch {
      throw new UsageError(`--endpoint is not a URL: ${endpoint}`);
    }
  }
  const region = stringOption(run, 'region') ?? resolveRegion(await readSharedFiles(env), profile, undefined, env) ?? (sandbox ? 'us-east-1' : undefined);
  if (!region) throw new UsageError('No region: pass --region, set AWS_REGION, or give the profile a region');
  if (!REGION.test(region)) throw new UsageError(`--region is not an AWS region name: ${region}`);
  return { ...(profile ? { profile } : {}), region, ...(endpoint ? { endpoint } : {}), ...(sandbox ? { sandbox } : {}) };
}

/** Connects with the flags; the connection lives in the run's context. */
export async function connectFromOptions(run: CommandRun): Promise<{ conn: ActiveConnection; status: ConnectionStatus }> {
  const manager = connectionManager(run.context());
  const status = await manager.connect(await targetFromOptions(run));
  return { conn: manager.require(), status };
}

/** The project folder: --project, else the first positional when `positional` allows, else the current folder. */
export function projectDirFrom(run: CommandRun, positional = false): string {
  const fromFlag = stringOption(run, 'project');
  const fromArg = positional ? run.positionals[0] : undefined;
  if (fromFlag && fromArg && resolve(fromFlag) !== resolve(fromArg)) throw new UsageError('Give the project folder once: either DIR or --project DIR');
  return resolve(fromFlag ?? fromArg ?? process.cwd());
}

/** A line describing who and where we are connected. */
export function describeConnection(status: ConnectionStatus): string {
  const t = status.target;
  if (!t || !status.identity) raise('NOT_CONNECTED', 'Not connected.');
  const where = `${t.region}${t.endpoint ? ` via ${t.endpoint}${t.sandbox ? ' (sandbox)' : ''}` : ''}`;
  return `account ${status.identity.account} in ${where} as ${status.identity.arn}${t.profile ? ` (profile ${t.profile})` : ''}`;
}

/**
 * Wraps a command so AWS SDK errors reach the user as mapped AppErrors (code and an actionable
 * message) rather than as raw SDK text; usage errors pass through unchanged.
 */
export function withAwsErrors(command: Command): Command {
  return {
    ...command,
    async run(run) {
      try {
        return await command.run(run);
      } catch (error) {
        if (error instanceof UsageError || error instanceof AppErrorException) throw error;
        const appError = toAppError(error);
        throw new AppErrorException(appError.code, appError.message, appError.details);
      }
    },
  };
}
