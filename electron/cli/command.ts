/** The shape of one `berth` subcommand, and the output helpers every command shares. */
import type { AppContext } from '../api/context';
import { AppErrorException, type AppError } from '../../shared/result';

/** Options every command accepts. */
export interface GlobalOptions {
  json: boolean;
}

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  description: string;
}

export interface CommandIo {
  /** Writes a line to stdout. */
  out(line: string): void;
  /** Writes a line to stderr. */
  err(line: string): void;
  /** Reads all of stdin (for `config set`, so values never travel in argv). */
  readStdin(): Promise<string>;
  /** Resolves when the process is asked to stop (SIGINT/SIGTERM). */
  interrupted: Promise<void>;
}

export interface CommandRun {
  positionals: string[];
  options: Record<string, string | boolean | string[] | undefined>;
  json: boolean;
  io: CommandIo;
  /** Creates (once) the engine context for this run. */
  context(): AppContext;
}

export interface Command {
  name: string;
  usage: string;
  summary: string;
  options: Record<string, OptionSpec>;
  /** Returns the process exit code: 0 success, 1 user error (usage errors are caught before). */
  run(run: CommandRun): Promise<number>;
}

/** Thrown for a usage mistake (unknown flag, missing argument): exit code 2. */
export class UsageError extends Error {}

/** Prints an AppError as the CLI's one-line error (and JSON when asked) and returns exit code 1. */
export function reportError(run: Pick<CommandRun, 'json' | 'io'>, error: unknown): number {
  const appError: AppError =
    error instanceof AppErrorException
      ? error.appError
      : { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
  if (run.json) run.io.out(JSON.stringify({ error: appError }));
  run.io.err(`berth: ${appError.message}`);
  return 1;
}
