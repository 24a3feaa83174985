/** Dockerfile variables as the frontend expands them: `$NAME` forms, ARG/ENV/LABEL assignments, per-stage scope. */

/** The part of an instruction variable scoping reads. */
export interface VariableInstruction {
  keyword: string;
  args: string;
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
export function withVariables<T extends VariableInstruction>(instructions: T[], buildArgs: ReadonlyMap<string, string>, visit: (ins: T, vars: ReadonlyMap<string, string>) => void): void {
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
