/**
 * The first pass of BuildKit's Dockerfile frontend: parser directives (`# syntax=`, `# escape=`,
 * `# check=`), comments, line continuations, leading `--flags`, JSON forms and heredocs, each
 * instruction with the lines it spans. Instruction semantics are `instructions.ts`'s job.
 */

/** A `<<EOF` document attached to a RUN, COPY or ADD. */
export interface Heredoc {
  name: string;
  content: string;
  /** False when the delimiter was quoted (`<<"EOF"`): the content is taken literally. */
  expand: boolean;
  /** `<<-EOF`: leading tabs are stripped. */
  chomp: boolean;
}

/** One instruction as written. */
export interface DockerfileNode {
  /** The instruction word as written (`run`, `COPY`...). */
  value: string;
  startLine: number;
  endLine: number;
  /** The instruction on one line (continuations joined, comments dropped). */
  original: string;
  /** Leading `--name=value` words. */
  flags: string[];
  /** What follows the flags. */
  rest: string;
  /** The exec form (`["a", "b"]`), when it parsed as a JSON list of strings. */
  json?: string[];
  heredocs: Heredoc[];
}

export interface DockerfileAst {
  nodes: DockerfileNode[];
  directives: Map<string, { value: string; line: number }>;
  escape: string;
  /** The text the nodes came from, for error excerpts. */
  source: string;
}

/** A parse failure with the lines BuildKit reports for it. */
export class DockerfileSyntaxError extends Error {
  constructor(
    message: string,
    readonly startLine: number,
    readonly endLine: number = startLine,
  ) {
    super(message);
  }
}

const DIRECTIVES = ['syntax', 'escape', 'check'];
const HEREDOC_INSTRUCTIONS = ['add', 'copy', 'run'];
const JSON_INSTRUCTIONS = ['add', 'cmd', 'copy', 'entrypoint', 'run', 'shell', 'volume'];

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// The escape token at the end of a line continues it, unless it is itself escaped.
function continuationPattern(escape: string): RegExp {
  const e = escapeRegex(escape);
  return new RegExp(`([^${e}])${e}[ \\t]*$|^${e}[ \\t]*$`);
}

const isComment = (line: string) => line.trimStart().startsWith('#');
const trimNewline = (line: string) => line.replace(/[\r\n]+$/, '');

/** Splits leading `--flag` words off an argument string, as BuildKit's extractBuilderFlags does (quotes and escapes inside flags). */
export function extractFlags(line: string, escape: string): { rest: string; flags: string[] } {
  const flags: string[] = [];
  let pos = 0;
  while (pos < line.length) {
    while (pos < line.length && /\s/.test(line[pos]!)) pos++;
    if (pos >= line.length) return { rest: '', flags };
    if (!line.startsWith('--', pos)) return { rest: line.slice(pos), flags };
    let word = '';
    let quote = '';
    let quoted = false;
    for (; pos < line.length; pos++) {
      const ch = line[pos]!;
      if (quote) {
        if (ch === quote) quote = '';
        else if (ch === escape && pos + 1 < line.length) word += line[++pos];
        else if (ch !== escape) word += ch;
        continue;
      }
      if (/\s/.test(ch)) break;
      if (ch === '"' || ch === "'") {
        quote = ch;
        quoted = true;
      } else if (ch === escape) {
        if (pos + 1 < line.length) word += line[++pos];
      } else word += ch;
    }
    // A bare `--` ends the flags.
    if (word === '--') return { rest: line.slice(pos), flags };
    if (word !== '' || quoted) flags.push(word);
  }
  return { rest: '', flags };
}

/** Words of a line with their quotes kept (the shell lexer in raw mode), for spotting heredoc markers. */
function rawWords(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quote) {
      word += ch;
      if (ch === quote) quote = '';
      continue;
    }
    if (/\s/.test(ch)) {
      if (word) words.push(word);
      word = '';
      continue;
    }
    if (ch === '"' || ch === "'") quote = ch;
    if (ch === '\\' && i + 1 < line.length) {
      word += ch + line[++i];
      continue;
    }
    word += ch;
  }
  if (word) words.push(word);
  return words;
}

/** A heredoc marker (`<<EOF`, `<<-"EOF"`, `3<<EOF`), or undefined when the word is not one. */
export function parseHeredocMarker(word: string): Omit<Heredoc, 'content'> | undefined {
  const m = /^(\d*)<<(-?)\s*([^<]*)$/.exec(word);
  if (!m || m[3] === '') return undefined;
  const rest = m[3]!;
  const name = rest.replace(/["']/g, '');
  if (name === '' || /\s/.test(name)) return undefined;
  return { name, expand: name === rest, chomp: m[2] === '-' };
}

function parseJsonForm(rest: string): string[] | undefined {
  if (!rest.startsWith('[')) return undefined;
  try {
    const value = JSON.parse(rest) as unknown;
    return Array.isArray(value) && value.every((v) => typeof v === 'string') ? (value as string[]) : undefined;
  } catch {
    return undefined;
  }
}

/** Parses a Dockerfile into instruction nodes; syntax errors carry BuildKit's wording and lines. */
export function parseDockerfileAst(text: string): DockerfileAst {
  const source = text.replace(/^\uFEFF/, '');
  const lines = source.split(/(?<=\n)/);
  const directives = new Map<string, { value: string; line: number }>();
  let escape = '\\';
  let continuation = continuationPattern(escape);
  let directivesDone = false;

  // Directives are only recognised before anything else, blank lines included.
  const directive = (line: string, lineNo: number) => {
    if (directivesDone) return;
    if (!line.startsWith('#')) {
      directivesDone = true;
      return;
    }
    const m = /^([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$/.exec(line.slice(1).trimStart());
    const key = m?.[1]!.toLowerCase();
    if (!m || !key || !DIRECTIVES.includes(key)) {
      directivesDone = true;
      return;
    }
    if (directives.has(key)) throw new DockerfileSyntaxError(`only one ${key} parser directive can be used`, lineNo);
    const value = m[2]!;
    if (key === 'escape') {
      if (value !== '`' && value !== '\\') throw new DockerfileSyntaxError(`invalid escape token '${value}' does not match \` or \\`, lineNo);
      escape = value;
      continuation = continuationPattern(escape);
    }
    directives.set(key, { value, line: lineNo });
  };
  const trimContinuation = (line: string): { text: string; ends: boolean } => (continuation.test(line) ? { text: line.replace(continuation, '$1'), ends: false } : { text: line, ends: true });

  const nodes: DockerfileNode[] = [];
  let i = 0;
  while (i < lines.length) {
    const first = trimNewline(lines[i]!).trimStart();
    directive(first, i + 1);
    i++;
    const startLine = i;
    let { text, ends } = trimContinuation(isComment(first) ? '' : first);
    if (ends && text === '') continue;
    let joined = text;
    while (!ends && i < lines.length) {
      const raw = trimNewline(lines[i]!);
      directive(raw, i + 1);
      i++;
      // Comments and empty lines inside a continuation are skipped (BuildKit warns about the latter).
      if (isComment(raw) || raw.trim() === '') continue;
      ({ text, ends } = trimContinuation(raw));
      joined += text;
    }
    const trimmed = joined.trim();
    const m = /^(\S+)(?:\s+([\s\S]*))?$/.exec(trimmed);
    if (!m) continue;
    const { rest, flags } = extractFlags(m[2] ?? '', escape);
    const node: DockerfileNode = { value: m[1]!, startLine, endLine: i, original: joined, flags, rest: rest.trim(), heredocs: [] };
    const lower = node.value.toLowerCase();
    if (JSON_INSTRUCTIONS.includes(lower)) node.json = parseJsonForm(node.rest);
    if (HEREDOC_INSTRUCTIONS.includes(lower) && !node.json && joined.includes('<<')) {
      for (const word of rawWords(joined)) {
        const marker = parseHeredocMarker(word);
        if (!marker) continue;
        let content = '';
        let terminated = false;
        while (i < lines.length) {
          const raw = lines[i]!;
          i++;
          const candidate = marker.chomp ? trimNewline(raw).replace(/^\t+/, '') : trimNewline(raw);
          if (candidate === marker.name) {
            terminated = true;
            break;
          }
          content += raw;
        }
        if (!terminated) throw new DockerfileSyntaxError('unterminated heredoc', startLine, i);
        node.heredocs.push({ ...marker, content });
      }
      node.endLine = i;
    }
    nodes.push(node);
  }
  if (nodes.length === 0) throw new DockerfileSyntaxError('file with no instructions', Math.max(1, i));
  return { nodes, directives, escape, source };
}
