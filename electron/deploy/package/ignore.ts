/**
 * Which files of a build context Docker would send: `.dockerignore` at the context root, or
 * `<Dockerfile>.dockerignore` next to the Dockerfile (BuildKit: it replaces the root one).
 * Matching is @balena/dockerignore, a port of Docker's own rules (`**`, `!` exceptions, parent dirs).
 */
import { readFile } from 'node:fs/promises';
import { join, sep } from 'node:path';
import ignore from '@balena/dockerignore';

export interface IgnoreRules {
  /** The ignore file that was read (relative to the context), if any. */
  source?: string;
  patterns: string[];
  /** True when some pattern starts with `!`: an ignored folder may still hold included files. */
  hasExceptions: boolean;
  /** True when the context-relative POSIX path is excluded. */
  ignores(relPath: string): boolean;
}

/** Parses ignore-file text the way Docker does: one pattern a line, `#` comments, blank lines skipped. */
export function parseIgnoreFile(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/** Builds the matcher for a list of patterns. */
export function ignoreRules(patterns: string[], source?: string): IgnoreRules {
  const matcher = ignore().add(patterns);
  return {
    source,
    patterns,
    hasExceptions: patterns.some((p) => p.startsWith('!')),
    // The library expects the platform's separator, like Docker's filepath-based matcher.
    ignores: (relPath) => matcher.ignores(sep === '/' ? relPath : relPath.split('/').join(sep)),
  };
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw error;
  }
}

/**
 * Loads the rules for one build: `<dockerfile>.dockerignore` wins over `.dockerignore`
 * (`dockerfile` is the Dockerfile path relative to the context, POSIX separators).
 */
export async function loadIgnoreRules(contextDir: string, dockerfile: string): Promise<IgnoreRules> {
  const specific = `${dockerfile}.dockerignore`;
  const specificText = await readIfExists(join(contextDir, ...specific.split('/')));
  if (specificText !== undefined) return ignoreRules(parseIgnoreFile(specificText), specific);
  const rootText = await readIfExists(join(contextDir, '.dockerignore'));
  if (rootText !== undefined) return ignoreRules(parseIgnoreFile(rootText), '.dockerignore');
  return ignoreRules([]);
}
