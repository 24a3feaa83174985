/**
 * `berth validate [DIR] [-f FILE]... [--json]`: loads a compose project and prints every
 * diagnostic as `file:line:col severity code message`, or one JSON object with `--json`.
 * Exit code 1 when any diagnostic is an error, 0 otherwise.
 */
import { isAbsolute, relative, resolve } from 'node:path';
import type { Diagnostic } from '../../../shared/domain/diagnostics';
import { loadProject } from '../../compose/load';
import { UsageError, type Command } from '../command';

/** Shows a path relative to the working folder when it is inside it. */
function shown(path: string, cwd: string): string {
  if (path === '') return path;
  const rel = relative(cwd, path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

/** One diagnostic as a line: `file:line:col severity code message`. */
export function formatDiagnostic(d: Diagnostic, cwd: string, fallbackFile: string): string {
  const file = shown(d.file || d.subject || fallbackFile, cwd);
  return `${file}:${d.line}:${d.column} ${d.severity} ${d.code} ${d.message}`;
}

export const validateCommand: Command = {
  name: 'validate',
  usage: 'berth validate [DIR] [-f FILE]... [--profile NAME]... [--json]',
  summary: 'Check a compose project and list its problems by file and line',
  options: {
    file: { type: 'string', short: 'f', multiple: true, description: 'Compose file to load (repeat to merge overrides, as docker compose -f); default: the folder’s compose.yaml and its override' },
    profile: { type: 'string', multiple: true, description: 'Profile to activate (repeatable); default: COMPOSE_PROFILES' },
  },
  async run(run) {
    if (run.positionals.length > 1) throw new UsageError(`expected at most one folder, got ${run.positionals.length}`);
    const cwd = process.cwd();
    const dir = resolve(cwd, run.positionals[0] ?? '.');
    const files = (run.options.file as string[] | undefined)?.map((f) => resolve(cwd, f));
    const profiles = run.options.profile as string[] | undefined;
    const loaded = await loadProject(dir, { files, profiles });
    const errors = loaded.diagnostics.filter((d) => d.severity === 'error').length;
    const warnings = loaded.diagnostics.filter((d) => d.severity === 'warning').length;
    if (run.json) {
      const diagnostics = loaded.diagnostics.map((d) => ({
        severity: d.severity,
        code: d.code,
        message: d.message,
        fix: d.fix ?? '',
        file: d.file,
        line: d.line,
        column: d.column,
        path: d.path,
        ...(d.subject ? { subject: d.subject } : {}),
      }));
      run.io.out(JSON.stringify({ project: loaded.project, diagnostics }));
    } else {
      for (const d of loaded.diagnostics) run.io.out(formatDiagnostic(d, cwd, dir));
      const name = loaded.project?.name ?? dir;
      run.io.err(`${name}: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`);
    }
    return errors > 0 ? 1 : 0;
  },
};
