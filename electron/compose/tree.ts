/**
 * The tree the compose engine works on: plain YAML values that remember where they were written
 * (file, offset, key path inside that file), so every diagnostic can point at a line even after
 * files are merged and services extended.
 */
import type { LineCounter } from 'yaml';

/** One file the engine read, and how to turn an offset into a line and column. */
export interface SourceFile {
  /** Absolute path. */
  path: string;
  /** Folder that relative paths written in this file resolve against. */
  baseDir: string;
  lines: LineCounter;
}

/** Where a node was written: its file, character offset and key path inside that file. */
export interface At {
  src: SourceFile | null;
  offset: number;
  path: string;
}

/** Compose's `!reset` / `!override` merge tags. */
export type MergeTag = 'reset' | 'override';

export interface SScalar {
  kind: 'scalar';
  value: string | number | boolean | null;
  at: At;
  tag?: MergeTag;
  /**
   * Names of `${NAME}` variables left unresolved in an environment value: the value is then a
   * template where each config reads `${NAME}` and a literal dollar reads `$$`.
   */
  refs?: string[];
}

export interface SEntry {
  key: string;
  keyAt: At;
  value: SNode;
}

export interface SMap {
  kind: 'map';
  entries: Map<string, SEntry>;
  at: At;
  tag?: MergeTag;
}

export interface SSeq {
  kind: 'seq';
  items: SNode[];
  at: At;
  tag?: MergeTag;
}

export type SNode = SScalar | SMap | SSeq;

/** A position with no file (for problems about the folder as a whole). */
export const NOWHERE: At = { src: null, offset: 0, path: '' };

/** Appends a key to a key path: `services` + `web` → `services.web`; odd keys are quoted. */
export function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  const safe = /^[A-Za-z0-9_-]+$/.test(key) ? key : JSON.stringify(key);
  if (parent === '') return safe === key ? key : `[${safe}]`;
  return safe === key ? `${parent}.${key}` : `${parent}[${safe}]`;
}

/** Formats a key path given as segments (zod issue paths). */
export function formatPath(segments: readonly PropertyKey[]): string {
  let out = '';
  for (const s of segments) out = childPath(out, typeof s === 'number' ? s : String(s));
  return out;
}

/** The 1-based line and column of a position (0, 0 when unknown). */
export function lineCol(at: At): { line: number; column: number } {
  if (!at.src) return { line: 0, column: 0 };
  const pos = at.src.lines.linePos(at.offset);
  // Before a file is parsed its line starts are unknown: whole-file problems point at 1:1.
  return pos.line === 0 ? { line: 1, column: at.offset + 1 } : { line: pos.line, column: pos.col };
}

/** Builds a scalar node. */
export function scalar(value: SScalar['value'], at: At): SScalar {
  return { kind: 'scalar', value, at };
}

/** Builds a map node from entries. */
export function mapNode(at: At, entries: Map<string, SEntry> = new Map()): SMap {
  return { kind: 'map', entries, at };
}

/** The value under `key` when `node` is a map. */
export function get(node: SNode | undefined, key: string): SNode | undefined {
  return node?.kind === 'map' ? node.entries.get(key)?.value : undefined;
}

/** The entry under `key` when `node` is a map. */
export function entry(node: SNode | undefined, key: string): SEntry | undefined {
  return node?.kind === 'map' ? node.entries.get(key) : undefined;
}

/** Walks segments (keys and indexes) down from `node`; undefined when the path does not exist. */
export function walk(node: SNode | undefined, segments: readonly PropertyKey[]): SNode | undefined {
  let cur = node;
  for (const s of segments) {
    if (!cur) return undefined;
    if (cur.kind === 'map') cur = cur.entries.get(String(s))?.value;
    else if (cur.kind === 'seq') cur = typeof s === 'number' || /^\d+$/.test(String(s)) ? cur.items[Number(s)] : undefined;
    else return undefined;
  }
  return cur;
}

/** The scalar value of a node as a string (numbers and booleans as written), or undefined. */
export function str(node: SNode | undefined): string | undefined {
  if (node?.kind !== 'scalar' || node.value === null) return undefined;
  return String(node.value);
}

/**
 * Converts a tree to plain JSON-like values (for schema validation and golden tests).
 * `!reset` values are merge instructions, not values, so they are left out.
 */
export function toPlain(node: SNode): unknown {
  if (node.kind === 'scalar') return node.value;
  if (node.kind === 'seq') {
    const out: unknown[] = [];
    for (const item of node.items) if (item.tag !== 'reset') out.push(toPlain(item));
    return out;
  }
  // fromEntries defines own properties, so a `__proto__` key stays a key.
  const pairs: [string, unknown][] = [];
  for (const e of node.entries.values()) if (e.value.tag !== 'reset') pairs.push([e.key, toPlain(e.value)]);
  return Object.fromEntries(pairs);
}
