/**
 * What a simulated program prints and writes. The sandbox does not run containers; for a shell
 * script (`sh -c "…"`) it prints what the script's `echo`/`printf` statements would, so a
 * failing one-off in a test has a real last log line to report, and it records the files the
 * script writes with `printf … > file`, `chmod` and `chown` (their size and digest, never the
 * bytes), so a test can see which files another container of the task finds.
 */
import { createHash } from 'node:crypto';
import { shellWords } from '../../compose/units';

const SHELLS = new Set(['sh', 'bash', '/bin/sh', '/bin/bash', 'ash', '/bin/ash']);

function scriptOf(command: string[]): string | undefined {
  const at = command.findIndex((word, i) => SHELLS.has(word) && command[i + 1] === '-c');
  return at >= 0 ? command[at + 2] : undefined;
}

export interface WrittenFile {
  path: string;
  size: number;
  sha256: string;
  mode: string;
  owner: string;
}

/** Expands `$VAR`, `${VAR}` and `"$VAR"` from the container's environment. */
function expand(word: string, env: Record<string, string>): string {
  return word.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (_m, name: string) => env[name] ?? '');
}

/** The files the script writes (`printf FORMAT ARG > path`, `echo … > path`), with their final mode and owner. */
export function simulatedFiles(command: string[], env: Record<string, string>): WrittenFile[] {
  const script = scriptOf(command);
  if (!script) return [];
  const files = new Map<string, WrittenFile>();
  for (const raw of script.split(/;|&&|\n/)) {
    const statement = raw.trim();
    const redirect = /^(.*?)\s*>\s*(\S+)$/.exec(statement);
    if (redirect) {
      const words = shellWords(redirect[1]!) ?? [];
      const target = (shellWords(redirect[2]!) ?? [redirect[2]!])[0]!;
      let text: string | undefined;
      if (words[0] === 'printf' && words[1] === '%s') text = words.slice(2).map((w) => expand(w, env)).join('');
      else if (words[0] === 'echo') text = `${words.slice(1).map((w) => expand(w, env)).join(' ')}\n`;
      if (text !== undefined) {
        const bytes = Buffer.from(text, 'utf8');
        files.set(target, { path: target, size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), mode: '0644', owner: '0:0' });
      }
      continue;
    }
    const words = shellWords(statement) ?? [];
    const file = files.get(words[2] ?? '');
    if (words[0] === 'chmod' && file) file.mode = words[1]!;
    if (words[0] === 'chown' && file) file.owner = words[1]!;
  }
  return [...files.values()];
}

/** The exit code a command ends with (`exit N` last), undefined when it says none. */
export function statedExitCode(command: string[]): number | undefined {
  const m = /(?:^|[\s;&|])exit\s+(\d+)\s*$/.exec(command.join(' '));
  return m ? Number(m[1]) : undefined;
}

/** The exit code the script ends with (`exit N` last), 0 otherwise. */
export function simulatedExitCode(command: string[]): number {
  return statedExitCode(command) ?? 0;
}

/** The lines the script's echo and printf statements write, in order. */
export function simulatedOutput(command: string[]): string[] {
  const script = scriptOf(command);
  if (!script) return [];
  const lines: string[] = [];
  for (const statement of script.split(/;|&&|\|\||\n/)) {
    // What goes to a file is not output; `>&2` still is (stderr reaches the log).
    if (/[^&]>\s*[^&\s]/.test(statement) && !/>&\s*2\s*$/.test(statement.trim())) continue;
    const words = shellWords(statement.trim().replace(/\s*[12]?>&?\s*\S+$/, '')) ?? [];
    if (words[0] === 'echo') lines.push(words.slice(1).filter((w) => !/^-[neE]+$/.test(w)).join(' '));
    if (words[0] === 'printf' && words[1] !== undefined) lines.push(words[1].replace(/\\n$/, ''));
  }
  return lines;
}
