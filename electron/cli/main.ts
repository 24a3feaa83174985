/**
 * The `berth` command line: the same engine as the app, headless, for scripts and CI.
 * Exit codes: 0 success, 1 user error (AppError message on stderr), 2 usage error.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { AppErrorException } from '../../shared/result';
import { createContext, type AppContext } from '../api/context';
import { COMMANDS } from './commands';
import { reportError, UsageError, type Command, type CommandIo } from './command';
import { defaultDataDir } from './paths';

declare const BERTH_VERSION: string | undefined;
/** The version baked in at build time (esbuild define), or read from package.json when running from source. */
export const VERSION: string = typeof BERTH_VERSION === 'string' ? BERTH_VERSION : (process.env.npm_package_version ?? '0.0.0-dev');

function helpText(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'Usage: berth <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Every command takes --json for machine-readable output. `berth <command> --help` shows its options.',
  ].join('\n');
}

function commandHelp(command: Command): string {
  const lines = [`Usage: ${command.usage}`, '', command.summary];
  const entries = Object.entries(command.options);
  if (entries.length > 0) {
    lines.push('', 'Options:');
    for (const [name, spec] of entries) lines.push(`  --${name}${spec.type === 'string' ? ' <value>' : ''}  ${spec.description}`);
  }
  lines.push('  --json  Machine-readable output');
  return lines.join('\n');
}

function defaultIo(): CommandIo {
  return {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
    interrupted: new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    }),
  };
}

/** Runs one command line; returns the exit code. */
export async function runCli(argv: string[], io: CommandIo = defaultIo(), makeContext?: () => AppContext): Promise<number> {
  const [first, ...rest] = argv;
  if (first === '--version' || first === '-v') {
    io.out(rest.includes('--json') ? JSON.stringify({ version: VERSION }) : VERSION);
    return 0;
  }
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    io.out(helpText());
    return first === undefined ? 2 : 0;
  }
  const command = COMMANDS.find((c) => c.name === first);
  if (!command) {
    io.err(`berth: unknown command "${first}"\n\n${helpText()}`);
    return 2;
  }
  const config: ParseArgsConfig = {
    args: rest,
    allowPositionals: true,
    strict: true,
    options: {
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
      ...Object.fromEntries(
        Object.entries(command.options).map(([k, v]) => [k, { type: v.type, ...(v.short ? { short: v.short } : {}), ...(v.multiple ? { multiple: true } : {}) }]),
      ),
    },
  };
  let parsed;
  try {
    parsed = parseArgs(config);
  } catch (error) {
    io.err(`berth ${command.name}: ${(error as Error).message}\n\n${commandHelp(command)}`);
    return 2;
  }
  if (parsed.values.help) {
    io.out(commandHelp(command));
    return 0;
  }
  const json = parsed.values.json === true;
  let ctx: AppContext | undefined;
  const context = () => (ctx ??= makeContext ? makeContext() : createContext({ shell: 'cli', version: VERSION, dataDir: defaultDataDir() }));
  try {
    return await command.run({ positionals: parsed.positionals, options: parsed.values as Record<string, string | boolean | string[] | undefined>, json, io, context });
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`berth ${command.name}: ${error.message}\n\n${commandHelp(command)}`);
      return 2;
    }
    return reportError({ json, io }, error instanceof AppErrorException ? error : error);
  } finally {
    await ctx?.dispose();
  }
}
