/**
 * A service's environment as it will reach the container: `env_file` variables first, then
 * `environment` on top. A variable with no value, or whose `${NAME}` was not set locally, names a
 * config value from Berth's Secrets; config spliced into text becomes a derived value.
 */
import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { LineCounter } from 'yaml';
import type { EnvValue } from '../../shared/domain/project';
import { parseDotenv } from './dotenv';
import type { Report } from './report';
import { get, str, type At, type SNode, type SourceFile } from './tree';

/** Config names as Berth's Secrets accept them. */
export const CONFIG_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** Names that usually hold secrets (a literal value for them ends up in plain text). */
const SECRET_LIKE = /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIALS?)$/i;

/** One variable, with where it was written. */
export interface PlacedEnv {
  value: EnvValue;
  at: At;
}

/** Reads env files once per load (several services often share one). */
export class EnvFileCache {
  private readonly files = new Map<string, Promise<{ text: string; src: SourceFile } | null>>();

  /** The file's text and a source for positions, or null when it cannot be read. */
  read(path: string): Promise<{ text: string; src: SourceFile } | null> {
    let p = this.files.get(path);
    if (!p) {
      p = readFile(path, 'utf8').then(
        (text) => ({ text, src: textSource(path, text) }),
        () => null,
      );
      this.files.set(path, p);
    }
    return p;
  }

  /** Paths read so far that exist. */
  async existing(): Promise<string[]> {
    const out: string[] = [];
    for (const [path, p] of this.files) if (await p) out.push(path);
    return out;
  }
}

/** A source for a plain text file, so diagnostics can point at its lines. */
export function textSource(path: string, text: string): SourceFile {
  const lines = new LineCounter();
  lines.addNewLine(0);
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines.addNewLine(i + 1);
  return { path, baseDir: path, lines };
}

/** The offset where 1-based `line` starts in `src`. */
function lineOffset(src: SourceFile, line: number): number {
  return src.lines.lineStarts[line - 1] ?? 0;
}

/** Builds the service's environment; `lookup` resolves `${VAR}` inside env files. */
export async function serviceEnvironment(
  svc: SNode,
  service: string,
  lookup: (name: string) => string | undefined,
  files: EnvFileCache,
  report: Report,
  warnLiteralSecrets: boolean,
): Promise<Map<string, PlacedEnv>> {
  const out = new Map<string, PlacedEnv>();
  const envFiles = get(svc, 'env_file');
  if (envFiles?.kind === 'seq') {
    for (const item of envFiles.items) {
      const pathNode = item.kind === 'map' ? get(item, 'path') : item;
      const rel = str(pathNode);
      if (!rel || !pathNode) continue;
      const requiredNode = item.kind === 'map' ? get(item, 'required') : undefined;
      const required = !(requiredNode?.kind === 'scalar' && (requiredNode.value === false || requiredNode.value === 'false'));
      const abs = isAbsolute(rel) ? rel : resolve(pathNode.at.src?.baseDir ?? '.', rel);
      const file = await files.read(abs);
      if (!file) {
        if (required) {
          report.error('env-file-missing', `The env_file ${rel} of ${service} does not exist (${abs}).`, 'Create the file, fix the path, or mark it `required: false`.', pathNode.at, abs);
        }
        continue;
      }
      const parsed = parseDotenv(file.text, lookup);
      for (const p of parsed.problems) {
        report.error('env-file-syntax', `${abs} line ${p.line}: ${p.message}`, 'Write one KEY=VALUE per line.', { src: file.src, offset: lineOffset(file.src, p.line), path: '' });
      }
      for (const e of parsed.entries) {
        const at: At = { src: file.src, offset: lineOffset(file.src, e.line), path: e.key };
        const value: EnvValue = e.value === null ? { kind: 'config', name: e.key } : { kind: 'literal', value: e.value };
        if (!checkConfigName(value, e.key, service, at, report)) continue;
        out.set(e.key, { value, at });
      }
    }
  }
  const env = get(svc, 'environment');
  if (env?.kind === 'map') {
    for (const [key, e] of env.entries) {
      const node = e.value;
      if (node.kind !== 'scalar') continue;
      const value = envValue(key, node.value, node.refs);
      if (!checkConfigName(value, key, service, e.keyAt, report)) continue;
      if (warnLiteralSecrets && value.kind === 'literal' && value.value !== '' && SECRET_LIKE.test(key)) {
        report.warning(
          'env-literal-secret',
          `${key} of ${service} is written in the file, so its value would be stored in plain text in the task definition.`,
          `Write \`- ${key}\` (no value) and set ${key} in Berth's Secrets.`,
          e.keyAt,
        );
      }
      out.set(key, { value, at: e.keyAt });
    }
  }
  return out;
}

/** The value of one `environment` entry: literal, config or derived. */
export function envValue(key: string, value: string | number | boolean | null, refs: string[] | undefined): EnvValue {
  if (value === null) return { kind: 'config', name: key };
  const text = String(value);
  if (!refs || refs.length === 0) return { kind: 'literal', value: text };
  if (refs.length === 1 && text === `\${${refs[0] as string}}`) return { kind: 'config', name: refs[0] as string };
  return { kind: 'derived', template: text, names: [...refs] };
}

function checkConfigName(value: EnvValue, key: string, service: string, at: At, report: Report): boolean {
  const names = value.kind === 'config' ? [value.name] : value.kind === 'derived' ? value.names : [];
  for (const name of names) {
    if (!CONFIG_NAME.test(name)) {
      report.error(
        'config-name-invalid',
        `${key} of ${service} needs the config "${name}", but config names must start with a letter or _ and hold at most 64 letters, digits and _.`,
        'Give the variable a value, or rename it.',
        at,
      );
      return false;
    }
  }
  return true;
}
