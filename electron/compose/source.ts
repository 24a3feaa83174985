/**
 * Reads one compose file with the `yaml` document API into a positioned tree.
 * Refuses what would hurt (huge files, binary data, alias bombs, absurd nesting) with a
 * positioned diagnostic instead of a crash or a hang.
 */
import { readFile, stat } from 'node:fs/promises';
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node as YamlNode, type Pair } from 'yaml';
import type { Report } from './report';
import { childPath, NOWHERE, type At, type MergeTag, type SEntry, type SNode, type SourceFile } from './tree';

/** Compose files larger than this are refused before parsing (real ones are a few kB). */
export const MAX_COMPOSE_BYTES = 4 * 1024 * 1024;
/** Deeper nesting than this is refused (real compose files nest fewer than 12 levels). */
export const MAX_DEPTH = 100;
/** The `yaml` package's alias expansion limit: enough for shared anchors, far below a billion laughs. */
export const MAX_ALIAS_COUNT = 10_000;

/** A parsed file: its source (for positions) and its tree, or null when it could not be read. */
export interface ParsedFile {
  src: SourceFile;
  root: SNode | null;
  /** True when the file uses Compose's `!reset` / `!override` tags. */
  mergeTags?: boolean;
}

/** Reads and parses `path`; every problem becomes a diagnostic in `report`. */
export async function readComposeFile(path: string, baseDir: string, report: Report, at: At = NOWHERE): Promise<ParsedFile> {
  const src: SourceFile = { path, baseDir, lines: new LineCounter() };
  const fileAt: At = { src, offset: 0, path: '' };
  let size: number;
  try {
    const info = await stat(path);
    if (info.isDirectory()) {
      report.error('file-not-found', `${path} is a folder, not a compose file.`, 'Point at a compose file such as compose.yaml.', at, path);
      return { src, root: null };
    }
    size = info.size;
  } catch {
    report.error('file-not-found', `${path} does not exist.`, 'Check the file name, or create the file.', at, path);
    return { src, root: null };
  }
  if (size > MAX_COMPOSE_BYTES) {
    report.error(
      'file-too-large',
      `${path} is ${(size / 1024 / 1024).toFixed(1)} MB; Berth reads compose files up to ${MAX_COMPOSE_BYTES / 1024 / 1024} MB.`,
      'Split the file, or remove generated content from it.',
      fileAt,
    );
    return { src, root: null };
  }
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    report.error('file-unreadable', `${path} could not be read: ${(error as Error).message}.`, 'Check the file permissions.', at, path);
    return { src, root: null };
  }
  const flags = { mergeTags: false };
  return { src, root: parseComposeText(bytes, src, report, flags), mergeTags: flags.mergeTags };
}

/** Parses file contents into a tree; returns null (with diagnostics) when they are not usable YAML. */
export function parseComposeText(bytes: Uint8Array, src: SourceFile, report: Report, flags: { mergeTags: boolean } = { mergeTags: false }): SNode | null {
  const fileAt: At = { src, offset: 0, path: '' };
  const text = decodeText(bytes);
  if (text === null) {
    report.error('file-not-text', `${src.path} is not a text file (it holds binary data or is not UTF-8).`, 'Choose the compose file itself, saved as UTF-8 text.', fileAt);
    return null;
  }
  if (text.trim() === '') {
    report.error('file-empty', `${src.path} is empty.`, 'Add a `services:` section with at least one service.', fileAt);
    return null;
  }
  let doc: Document.Parsed;
  try {
    doc = parseDocument(text, { lineCounter: src.lines, prettyErrors: false, uniqueKeys: true, strict: true, stringKeys: false });
  } catch (error) {
    // The parser reports problems as errors; this only guards against the unforeseen.
    report.error('yaml-syntax', `${src.path} could not be parsed: ${(error as Error).message}`, 'Fix the YAML syntax.', fileAt);
    return null;
  }
  if (doc.errors.length > 0) {
    let exhausted = false;
    for (const e of doc.errors) {
      const at: At = { src, offset: e.pos[0], path: '' };
      if (e.code === 'DUPLICATE_KEY') report.error('yaml-duplicate-key', 'This key is written twice in the same mapping.', 'Remove one of the two, or merge their values.', at);
      else if (e.code === 'RESOURCE_EXHAUSTION') {
        // The parser ran out of stack on absurd nesting; one diagnostic is enough.
        if (!exhausted) report.error('yaml-too-deep', `${src.path} nests too deeply to be a compose file.`, `Keep nesting under ${MAX_DEPTH} levels.`, at);
        exhausted = true;
      } else report.error('yaml-syntax', `YAML syntax error: ${firstLine(e.message)}`, 'Fix the YAML syntax at this position.', at);
    }
    return null;
  }
  if (doc.contents === null) {
    report.error('file-empty', `${src.path} holds no YAML content (only comments).`, 'Add a `services:` section with at least one service.', fileAt);
    return null;
  }
  const converter = new Converter(doc, src, report);
  const root = converter.convert(doc.contents, '', 0);
  if (converter.sawAlias && !aliasesAreSafe(doc)) {
    report.error(
      'yaml-alias-limit',
      `${src.path} expands its YAML aliases into too many values (more than ${MAX_ALIAS_COUNT}); this is how "billion laughs" attacks work.`,
      'Use fewer nested aliases, or write the values out.',
      fileAt,
    );
    return null;
  }
  if (converter.tooDeep) return null;
  flags.mergeTags = converter.mergeTags;
  return root;
}

/** Lets the `yaml` package count alias expansion with its own limit (maxAliasCount). */
function aliasesAreSafe(doc: Document.Parsed): boolean {
  try {
    doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    return true;
  } catch {
    return false;
  }
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}

/** UTF-8 text without NUL bytes, BOM removed; null for anything else. */
function decodeText(bytes: Uint8Array): string | null {
  if (bytes.includes(0)) return null;
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch {
    return null;
  }
}

/** Turns `yaml` nodes into positioned tree nodes; aliases are shared, merge keys (`<<`) applied. */
class Converter {
  sawAlias = false;
  tooDeep = false;
  mergeTags = false;
  private readonly anchors = new Map<YamlNode, SNode>();
  /** The latest node defining each anchor name, in document order (what an alias refers to). */
  private readonly anchorsByName = new Map<string, YamlNode>();
  private readonly converting = new Set<unknown>();

  constructor(
    private readonly doc: Document.Parsed,
    private readonly src: SourceFile,
    private readonly report: Report,
  ) {}

  convert(node: unknown, path: string, depth: number): SNode {
    const at: At = { src: this.src, offset: offsetOf(node), path };
    if (depth > MAX_DEPTH) {
      if (!this.tooDeep) this.report.error('yaml-too-deep', `Values nest more than ${MAX_DEPTH} levels deep here.`, 'Flatten this value.', at);
      this.tooDeep = true;
      return { kind: 'scalar', value: null, at };
    }
    if (isAlias(node)) {
      this.sawAlias = true;
      // Resolving by name here is linear; yaml's Alias.resolve(doc) walks the whole document per alias.
      const target = this.anchorsByName.get(node.source) ?? node.resolve(this.doc);
      if (!target) return { kind: 'scalar', value: null, at };
      const known = this.anchors.get(target);
      if (known) return known;
      if (this.converting.has(target)) {
        this.report.error('yaml-alias-cycle', 'This alias points inside its own anchor, which would repeat forever.', 'Point the alias at an anchor defined outside this value.', at);
        this.tooDeep = true;
        return { kind: 'scalar', value: null, at };
      }
      return this.convert(target, path, depth + 1);
    }
    const anchored = node !== null && typeof node === 'object' && 'anchor' in node && Boolean((node as { anchor?: string }).anchor);
    if (anchored) {
      this.converting.add(node);
      this.anchorsByName.set((node as { anchor: string }).anchor, node as YamlNode);
    }
    const tag = mergeTag(node, this.report, at);
    let out: SNode;
    if (isMap(node)) out = { kind: 'map', entries: this.mapEntries(node.items, path, depth), at };
    else if (isSeq(node)) out = { kind: 'seq', items: node.items.map((item, i) => this.convert(item, childPath(path, i), depth + 1)), at };
    else if (isScalar(node)) out = { kind: 'scalar', value: scalarValue(node.value), at };
    else out = { kind: 'scalar', value: null, at };
    if (tag) {
      out.tag = tag;
      this.mergeTags = true;
    }
    if (anchored) {
      this.anchors.set(node as YamlNode, out);
      this.converting.delete(node);
    }
    return out;
  }

  private mapEntries(pairs: Pair[], path: string, depth: number): Map<string, SEntry> {
    const own = new Map<string, SEntry>();
    const merged: SEntry[][] = [];
    for (const pair of pairs) {
      const keyNode = pair.key;
      const keyAt: At = { src: this.src, offset: offsetOf(keyNode ?? pair.value), path };
      if (isScalar(keyNode) && keyNode.source === '<<' && keyNode.type === 'PLAIN') {
        merged.push(...this.mergeSources(pair.value, path, depth));
        continue;
      }
      const key = this.keyText(keyNode, keyAt);
      if (key === null) continue;
      const valuePath = childPath(path, key);
      const value = pair.value === null || pair.value === undefined ? { kind: 'scalar' as const, value: null, at: { ...keyAt, path: valuePath } } : this.convert(pair.value, valuePath, depth + 1);
      own.set(key, { key, keyAt: { ...keyAt, path: valuePath }, value });
    }
    if (merged.length === 0) return own;
    // YAML merge keys: explicit keys win, then earlier merge sources win over later ones.
    const out = new Map<string, SEntry>();
    for (const group of merged) for (const e of group) if (!own.has(e.key) && !out.has(e.key)) out.set(e.key, e);
    for (const [k, e] of own) out.set(k, e);
    return out;
  }

  private mergeSources(value: unknown, path: string, depth: number): SEntry[][] {
    const sources = isSeq(value) ? value.items : [value];
    const groups: SEntry[][] = [];
    for (const s of sources) {
      const node = this.convert(s, path, depth + 1);
      if (node.kind === 'map') groups.push([...node.entries.values()]);
      else this.report.error('yaml-merge-key', 'A `<<` merge key must point at a mapping (or a list of mappings).', 'Point `<<` at an anchored mapping, e.g. `<<: *defaults`.', node.at);
    }
    return groups;
  }

  /** Keys are strings in compose; numbers and booleans are read as written, anything else is refused. */
  private keyText(key: unknown, at: At): string | null {
    if (isScalar(key)) {
      if (typeof key.value === 'string') return key.value;
      if (typeof key.value === 'number' || typeof key.value === 'boolean') {
        const text = key.source ?? String(key.value);
        this.report.warning('yaml-key-not-string', `The key ${text} is a ${typeof key.value}; Compose reads it as the text "${text}".`, `Quote it: "${text}".`, at);
        return text;
      }
      this.report.error('yaml-key-not-string', 'This key is empty (null); compose keys are names.', 'Write a name before the colon.', at);
      return null;
    }
    this.report.error('yaml-key-not-string', 'This key is a list or a mapping; compose keys are names.', 'Replace the complex key (`? ...`) with a plain name.', at);
    return null;
  }
}

function offsetOf(node: unknown): number {
  const range = node && typeof node === 'object' && 'range' in node ? (node as { range?: [number, number, number] }).range : undefined;
  return range ? range[0] : 0;
}

function scalarValue(value: unknown): string | number | boolean | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return Number(value);
  return String(value);
}

/** Reads Compose's `!reset` / `!override` tags; other custom tags are reported and ignored. */
function mergeTag(node: unknown, report: Report, at: At): MergeTag | undefined {
  const tag = node && typeof node === 'object' && 'tag' in node ? (node as { tag?: string }).tag : undefined;
  if (!tag || tag.startsWith('tag:yaml.org,2002:')) return undefined;
  if (tag === '!reset') return 'reset';
  if (tag === '!override') return 'override';
  report.warning('yaml-unknown-tag', `The YAML tag ${tag} means nothing to Compose; the value is read without it.`, 'Remove the tag (Compose knows only !reset and !override).', at);
  return undefined;
}
