/**
 * The second pass of BuildKit's Dockerfile frontend: each node becomes an instruction with its
 * flags checked (unknown, duplicate, missing values), stages are formed, and RUN mounts are read
 * with variables expanded. Messages are BuildKit's own (moby/buildkit frontend/dockerfile).
 */
import { DockerfileSyntaxError, parseHeredocMarker, type DockerfileAst, type DockerfileNode, type Heredoc } from './parser';
import { withSuggestion } from './suggest';

export const INSTRUCTIONS = ['add', 'arg', 'cmd', 'copy', 'entrypoint', 'env', 'expose', 'from', 'healthcheck', 'label', 'maintainer', 'onbuild', 'run', 'shell', 'stopsignal', 'user', 'volume', 'workdir'];

type FlagKind = 'string' | 'bool' | 'strings';
const FLAGS: Record<string, Record<string, FlagKind>> = {
  from: { platform: 'string' },
  run: { mount: 'strings', network: 'string', security: 'string', device: 'strings' },
  copy: { chown: 'string', from: 'string', chmod: 'string', link: 'bool', exclude: 'strings', parents: 'bool' },
  add: { chown: 'string', chmod: 'string', link: 'bool', 'keep-git-dir': 'bool', checksum: 'string', unpack: 'bool', exclude: 'strings' },
  healthcheck: { interval: 'string', timeout: 'string', 'start-period': 'string', 'start-interval': 'string', retries: 'string' },
};
// ARG and STOPSIGNAL never parse their flags, so BuildKit ignores any given to them.
const IGNORES_FLAGS = ['arg', 'stopsignal'];

export type FlagValue = string | string[] | boolean;

export interface Instruction {
  /** Upper case (`RUN`). */
  keyword: string;
  node: DockerfileNode;
  line: number;
  /** The text after the flags (what variable scoping reads). */
  args: string;
  /** Whitespace-separated words of `args` (or the exec form's list). */
  words: string[];
  flags: Map<string, FlagValue>;
  heredocs: Heredoc[];
  /** COPY/ADD: sources and destination (heredoc sources excluded). */
  sources: string[];
  dest?: string;
}

export interface Stage {
  index: number;
  /** Lower case, as BuildKit keys stages. */
  name?: string;
  base: string;
  platform?: string;
  from: Instruction;
  commands: Instruction[];
}

export interface Dockerfile {
  stages: Stage[];
  /** ARGs before the first FROM. */
  metaArgs: Instruction[];
  ast: DockerfileAst;
}

/** A frontend failure with the lines BuildKit's excerpt marks. */
export class DockerfileError extends Error {
  constructor(
    message: string,
    readonly startLine: number,
    readonly endLine: number = startLine,
  ) {
    super(message);
  }
}

const parseError = (node: DockerfileNode, message: string) => new DockerfileError(`dockerfile parse error on line ${node.startLine}: ${message}`, node.startLine, node.endLine);

function parseFlags(node: DockerfileNode, kinds: Record<string, FlagKind>): Map<string, FlagValue> {
  const values = new Map<string, FlagValue>();
  for (const word of node.flags) {
    if (word === '--') break;
    if (!word.startsWith('--')) throw parseError(node, `arg should start with -- : ${word}`);
    const eq = word.indexOf('=');
    const flagName = eq < 0 ? word : word.slice(0, eq);
    const value = eq < 0 ? '' : word.slice(eq + 1);
    const name = flagName.slice(2);
    const kind = kinds[name];
    if (!kind) throw parseError(node, withSuggestion(`unknown flag: ${flagName}`, name, Object.keys(kinds), true));
    if (values.has(name) && kind !== 'strings') throw parseError(node, `duplicate flag specified: ${flagName}`);
    if (kind === 'bool') {
      if (eq >= 0 && value === '') throw parseError(node, `missing a value on flag: ${flagName}`);
      const lower = value.toLowerCase();
      if (lower !== 'true' && lower !== '' && lower !== 'false') throw parseError(node, `expecting boolean value for flag ${flagName}, not: ${value}`);
      values.set(name, lower !== 'false');
    } else {
      if (eq < 0) throw parseError(node, `missing a value on flag: ${flagName}`);
      if (kind === 'string') values.set(name, value);
      else values.set(name, [...((values.get(name) as string[] | undefined) ?? []), value]);
    }
  }
  return values;
}

function sourcesAndDest(node: DockerfileNode, keyword: string, words: string[]): { sources: string[]; dest: string } {
  const dest = words[words.length - 1]!;
  if (parseHeredocMarker(dest)) throw parseError(node, `${keyword} cannot accept a heredoc as a destination`);
  return { sources: words.slice(0, -1).filter((w) => !parseHeredocMarker(w)), dest };
}

function checkArguments(ins: Instruction): void {
  const { node, words } = ins;
  const lower = ins.keyword.toLowerCase();
  const atLeastOne = ['env', 'label', 'expose', 'volume', 'arg', 'onbuild', 'healthcheck'];
  if (atLeastOne.includes(lower) && words.length === 0) throw parseError(node, `${ins.keyword} requires at least one argument`);
  if (['workdir', 'user', 'maintainer', 'stopsignal'].includes(lower) && ins.args === '') throw parseError(node, `${ins.keyword} requires exactly one argument`);
  if ((lower === 'copy' || lower === 'add') && words.length < 2) throw parseError(node, `${ins.keyword} requires at least two arguments, but only one was provided. Destination could not be determined`);
  if (lower === 'from') {
    if (words.length === 3 && words[1]!.toLowerCase() === 'as') {
      if (!/^[a-z][a-z0-9-_.]*$/.test(words[2]!.toLowerCase())) throw parseError(node, `invalid name for build stage: "${words[2]}", name can't start with a number or contain symbols`);
    } else if (words.length !== 1) throw parseError(node, 'FROM requires either one or three arguments');
  }
  if (lower === 'env' || lower === 'label') {
    if (ins.args.startsWith('=')) throw parseError(node, `${ins.keyword} names can not be blank`);
  }
}

function checkRunOptions(ins: Instruction): void {
  const network = ins.flags.get('network') as string | undefined;
  if (network !== undefined && !['default', 'none', 'host'].includes(network)) throw parseError(ins.node, `invalid network mode "${network}"`);
  const security = ins.flags.get('security') as string | undefined;
  if (security !== undefined && !['insecure', 'sandbox'].includes(security)) throw parseError(ins.node, `security "${security}" is not valid`);
  // Before variables are known BuildKit checks only that `from=` names no variable.
  for (const mount of (ins.flags.get('mount') as string[] | undefined) ?? []) {
    for (const field of csvFields(mount)) {
      const [key, value] = splitOnce(field, '=');
      if (key.toLowerCase() === 'from' && value !== undefined) {
        const at = value.indexOf('$');
        if (at !== -1 && at !== value.length - 1) throw parseError(ins.node, `'from' doesn't support variable expansion, define alias stage instead`);
      }
    }
  }
}

function toInstruction(node: DockerfileNode): Instruction {
  const lower = node.value.toLowerCase();
  if (!INSTRUCTIONS.includes(lower)) throw parseError(node, withSuggestion(`unknown instruction: ${node.value}`, node.value, INSTRUCTIONS, false));
  const words = node.json ?? node.rest.split(/\s+/).filter((w) => w !== '');
  const ins: Instruction = { keyword: lower.toUpperCase(), node, line: node.startLine, args: node.rest, words, flags: new Map(), heredocs: node.heredocs, sources: [] };
  // BuildKit checks argument counts before flags for these, and flags first for the rest.
  const argsFirst = ['copy', 'add', 'from', 'workdir', 'maintainer', 'expose', 'user', 'volume', 'onbuild'];
  if (argsFirst.includes(lower)) checkArguments(ins);
  if (lower === 'healthcheck' && words[0]?.toUpperCase() === 'NONE') {
    if (words.length > 1) throw parseError(node, 'HEALTHCHECK NONE takes no arguments');
  } else if (!IGNORES_FLAGS.includes(lower)) ins.flags = parseFlags(node, FLAGS[lower] ?? {});
  if (!argsFirst.includes(lower)) checkArguments(ins);
  if (lower === 'copy' || lower === 'add') Object.assign(ins, sourcesAndDest(node, ins.keyword, words));
  if (lower === 'run') checkRunOptions(ins);
  if (lower === 'shell' && !node.json) throw parseError(node, `SHELL requires the arguments to be in JSON form`);
  return ins;
}

/** Parses the instructions and stages of a Dockerfile's AST (the first failing instruction wins). */
export function parseInstructions(ast: DockerfileAst): Dockerfile {
  const stages: Stage[] = [];
  const metaArgs: Instruction[] = [];
  for (const node of ast.nodes) {
    const ins = toInstruction(node);
    if (ins.keyword === 'FROM') {
      const name = ins.words.length === 3 ? ins.words[2]!.toLowerCase() : undefined;
      stages.push({ index: stages.length, name, base: ins.words[0]!, platform: ins.flags.get('platform') as string | undefined, from: ins, commands: [] });
    } else if (stages.length === 0 && ins.keyword === 'ARG') metaArgs.push(ins);
    else if (stages.length === 0) throw new DockerfileError('no build stage in current context', node.startLine, node.endLine);
    else stages[stages.length - 1]!.commands.push(ins);
  }
  if (stages.length === 0) throw new DockerfileError('no build stage in current context', ast.nodes[ast.nodes.length - 1]!.startLine);
  return { stages, metaArgs, ast };
}

/** Parses a whole Dockerfile, turning syntax errors into located frontend errors. */
export function readDockerfile(text: string, parse: (text: string) => DockerfileAst): Dockerfile {
  try {
    return parseInstructions(parse(text));
  } catch (error) {
    if (error instanceof DockerfileSyntaxError) throw new DockerfileError(error.message, error.startLine, error.endLine);
    throw error;
  }
}

// ---- RUN --mount, read as BuildKit's dispatch reads it (variables expanded) ----

export type MountType = 'bind' | 'cache' | 'tmpfs' | 'secret' | 'ssh';
const MOUNT_TYPES: MountType[] = ['bind', 'cache', 'tmpfs', 'secret', 'ssh'];
const MOUNT_KEYS = ['type', 'from', 'source', 'target', 'readonly', 'id', 'sharing', 'required', 'size', 'mode', 'uid', 'gid', 'src', 'dst', 'destination', 'ro', 'rw', 'readwrite', 'env'];

export interface Mount {
  type: MountType;
  from?: string;
  source?: string;
  target?: string;
  id?: string;
  required: boolean;
  env?: string;
}

function splitOnce(s: string, sep: string): [string, string | undefined] {
  const at = s.indexOf(sep);
  return at < 0 ? [s, undefined] : [s.slice(0, at), s.slice(at + sep.length)];
}

/** Fields of a CSV value (`type=cache,target=/x`, quotes allowed). */
export function csvFields(value: string): string[] {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    if (ch === '"') {
      if (quoted && value[i + 1] === '"') {
        field += '"';
        i++;
      } else quoted = !quoted;
    } else if (ch === ',' && !quoted) {
      out.push(field);
      field = '';
    } else field += ch;
  }
  out.push(field);
  return out;
}

const parseBool = (v: string): boolean | undefined => (['1', 't', 'true', 'TRUE', 'True'].includes(v) ? true : ['0', 'f', 'false', 'FALSE', 'False'].includes(v) ? false : undefined);

/** One `--mount` value, with BuildKit's messages for what it refuses. */
export function parseMount(value: string, expand: (word: string) => string): Mount {
  const m: Mount = { type: 'bind', required: false };
  let mode = false;
  let uid = false;
  let gid = false;
  let sharing: string | undefined;
  for (const field of csvFields(value)) {
    const [rawKey, rawValue] = splitOnce(field, '=');
    const key = rawKey.toLowerCase();
    if (rawValue === undefined) {
      if (['readonly', 'ro', 'readwrite', 'rw'].includes(key)) continue;
      if (key === 'required') {
        if (m.type !== 'secret' && m.type !== 'ssh') throw new Error(`unexpected key '${key}' for mount type '${m.type}'`);
        m.required = true;
        continue;
      }
      throw new Error(`invalid field '${field}' must be a key=value pair`);
    }
    const v = expand(rawValue);
    switch (key) {
      case 'type':
        if (!MOUNT_TYPES.includes(v.toLowerCase() as MountType)) throw new Error(withSuggestion(`unsupported mount type "${v}"`, v, MOUNT_TYPES, true));
        m.type = v.toLowerCase() as MountType;
        break;
      case 'from':
        m.from = v;
        break;
      case 'source':
      case 'src':
        m.source = v;
        break;
      case 'target':
      case 'dst':
      case 'destination':
        m.target = v;
        break;
      case 'readonly':
      case 'ro':
      case 'readwrite':
      case 'rw':
        if (parseBool(v) === undefined) throw new Error(`invalid value for ${key}: ${v}`);
        break;
      case 'required':
        if (m.type !== 'secret' && m.type !== 'ssh') throw new Error(`unexpected key '${key}' for mount type '${m.type}'`);
        if (parseBool(v) === undefined) throw new Error(`invalid value for ${key}: ${v}`);
        m.required = parseBool(v)!;
        break;
      case 'size':
        if (m.type !== 'tmpfs') throw new Error(`unexpected key '${key}' for mount type '${m.type}'`);
        break;
      case 'id':
        m.id = v;
        break;
      case 'sharing':
        if (!['shared', 'private', 'locked'].includes(v.toLowerCase())) throw new Error(withSuggestion(`unsupported sharing value "${v}"`, v, ['shared', 'private', 'locked'], true));
        sharing = v;
        break;
      case 'mode':
        if (!/^[0-7]+$/.test(v)) throw new Error(`invalid value ${v} for mode`);
        mode = true;
        break;
      case 'uid':
      case 'gid':
        if (!/^\d+$/.test(v)) throw new Error(`invalid value ${v} for ${key}`);
        if (key === 'uid') uid = true;
        else gid = true;
        break;
      case 'env':
        m.env = v;
        break;
      default:
        throw new Error(withSuggestion(`unexpected key '${key}' in '${field}'`, key, MOUNT_KEYS, true));
    }
  }
  if (!['secret', 'ssh', 'cache'].includes(m.type)) {
    if (mode) throw new Error(`mode not allowed for "${m.type}" type mounts`);
    if (uid) throw new Error(`uid not allowed for "${m.type}" type mounts`);
    if (gid) throw new Error(`gid not allowed for "${m.type}" type mounts`);
  }
  if (m.type === 'secret') {
    if (m.from !== undefined) throw new Error('secret mount should not have a from');
    if (sharing !== undefined) throw new Error('secret mount should not define sharing');
    if (!m.source && !m.target && !m.id) throw new Error('invalid secret mount. one of source, target required');
    if (m.source && m.id) throw new Error("both source and id can't be set");
  }
  if (sharing !== undefined && m.type !== 'cache') throw new Error(`invalid cache sharing set for ${m.type} mount`);
  return m;
}

/** The secret id a secret mount reads: `id`, else `source`, else the target's file name (BuildKit's rule). */
export function secretId(m: Mount): string {
  return m.id || m.source || (m.target ?? '').split('/').filter((p) => p !== '').pop() || '';
}
