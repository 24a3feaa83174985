/** Reads a Dockerfile as a builder does: continuation lines, comments, parser directives, instructions and stages. */

export interface Instruction {
  line: number;
  keyword: string;
  args: string;
  /** The instruction as written, on one line. */
  text: string;
}

export const INSTRUCTIONS = ['ADD', 'ARG', 'CMD', 'COPY', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'FROM', 'HEALTHCHECK', 'LABEL', 'MAINTAINER', 'ONBUILD', 'RUN', 'SHELL', 'STOPSIGNAL', 'USER', 'VOLUME', 'WORKDIR'];

/** A Dockerfile problem, worded as BuildKit's parser words it. */
export class DockerfileError extends Error {}

/** Splits a Dockerfile into instructions; unknown instructions and a missing FROM fail. */
export function parseDockerfile(text: string): Instruction[] {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  let escape = '\\';
  const out: Instruction[] = [];
  let buffer = '';
  let start = 0;
  let directivesAllowed = true;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const trimmed = raw.trim();
    if (directivesAllowed) {
      const directive = /^#\s*(\w+)\s*=\s*(.+)$/.exec(trimmed);
      if (directive) {
        if (directive[1]!.toLowerCase() === 'escape') escape = directive[2]!.trim();
        continue;
      }
      if (trimmed !== '') directivesAllowed = false;
    }
    if (buffer === '' && (trimmed === '' || trimmed.startsWith('#'))) continue;
    if (buffer !== '' && trimmed.startsWith('#')) continue;
    if (buffer === '') start = i + 1;
    if (trimmed.endsWith(escape)) {
      buffer += `${trimmed.slice(0, -escape.length).trimEnd()} `;
      continue;
    }
    buffer += trimmed;
    const m = /^(\S+)\s*([\s\S]*)$/.exec(buffer.trim());
    buffer = '';
    if (!m) continue;
    const keyword = m[1]!.toUpperCase();
    if (!INSTRUCTIONS.includes(keyword)) throw new DockerfileError(`dockerfile parse error on line ${start}: unknown instruction: ${m[1]}`);
    out.push({ line: start, keyword, args: m[2]!.trim(), text: `${keyword} ${m[2]!.trim()}`.trim() });
  }
  const first = out.find((ins) => ins.keyword !== 'ARG');
  if (!first) throw new DockerfileError('file with no instructions');
  if (first.keyword !== 'FROM') throw new DockerfileError(`dockerfile parse error on line ${first.line}: no build stage in current context`);
  return out;
}

/** The stage names (`FROM image AS name`). */
export function stageNames(instructions: Instruction[]): string[] {
  return instructions.filter((i) => i.keyword === 'FROM').map((i) => /\s+as\s+(\S+)$/i.exec(i.args)?.[1] ?? '').filter((n) => n !== '');
}

/** Local sources a COPY/ADD reads from the context (not `--from=` copies, URLs, or heredocs). */
export function contextSources(ins: Instruction): string[] {
  if (ins.keyword !== 'COPY' && ins.keyword !== 'ADD') return [];
  const parts = ins.args.split(/\s+/).filter((p) => p !== '');
  if (parts.some((p) => p.startsWith('--from'))) return [];
  const plain = parts.filter((p) => !p.startsWith('--'));
  if (plain.length < 2 || plain[0]!.startsWith('[') || plain[0]!.startsWith('<<')) return [];
  return plain.slice(0, -1).filter((p) => !/^https?:\/\//.test(p) && !p.startsWith('git@'));
}

/**
 * Expands `$NAME`, `${NAME}`, `${NAME:-word}`, `${NAME-word}`, `${NAME:+word}` and `${NAME+word}`
 * in one word, as the Dockerfile frontend does for COPY/ADD, ENV, ARG and WORKDIR; `\$` stays `$`.
 */
export function expandWord(word: string, vars: ReadonlyMap<string, string>): string {
  return word.replace(/\\\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (all, braced: string | undefined, op: string | undefined, alt: string | undefined, bare: string | undefined) => {
    if (all === '\\$') return '$';
    const name = (braced ?? bare)!;
    const value = vars.get(name);
    const empty = value === undefined || (op?.startsWith(':') === true && value === '');
    if (op?.endsWith('-')) return empty ? expandWord(alt ?? '', vars) : value!;
    if (op?.endsWith('+')) return empty ? '' : expandWord(alt ?? '', vars);
    return value ?? '';
  });
}

/** `NAME=value` pairs of an ENV/ARG/LABEL argument list (quotes removed), or the legacy `ENV NAME value` form. */
export function assignments(args: string, legacy: boolean): [string, string | undefined][] {
  if (legacy && !/^\S+=/.test(args)) {
    const m = /^(\S+)\s+([\s\S]*)$/.exec(args);
    return m ? [[m[1]!, m[2]!]] : [[args, undefined]];
  }
  const out: [string, string | undefined][] = [];
  for (const m of args.matchAll(/([^\s=]+)(?:=("(?:[^"\\]|\\.)*"|'[^']*'|\S*))?/g)) {
    const raw = m[2];
    out.push([m[1]!, raw === undefined ? undefined : raw.replace(/^"([\s\S]*)"$/, '$1').replace(/^'([\s\S]*)'$/, '$1')]);
  }
  return out;
}

/**
 * Walks the instructions keeping each stage's variables (global ARGs, stage ARGs with build-arg
 * overrides, ENV, inherited by `FROM <stage>`), and calls `visit` with the ones in scope.
 */
export function withVariables(instructions: Instruction[], buildArgs: ReadonlyMap<string, string>, visit: (ins: Instruction, vars: ReadonlyMap<string, string>) => void): void {
  const globals = new Map<string, string>();
  const stages = new Map<string, Map<string, string>>();
  let vars: Map<string, string> | null = null;
  for (const ins of instructions) {
    if (ins.keyword === 'FROM') {
      const [image, , name] = ins.args.split(/\s+/).filter((p) => !p.startsWith('--'));
      vars = new Map(stages.get(expandWord(image ?? '', globals).toLowerCase()) ?? []);
      if (name) stages.set(name.toLowerCase(), vars);
    } else if (ins.keyword === 'ARG') {
      for (const [key, value] of assignments(ins.args, false)) {
        const scope = vars ?? globals;
        const resolved = buildArgs.get(key) ?? (value !== undefined ? expandWord(value, scope) : globals.get(key));
        if (resolved !== undefined) scope.set(key, resolved);
      }
    } else if (ins.keyword === 'ENV' && vars) {
      for (const [key, value] of assignments(ins.args, true)) vars.set(key, expandWord(value ?? '', vars));
    }
    visit(ins, vars ?? globals);
  }
}
