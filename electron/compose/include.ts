/**
 * `include`: other compose projects pulled into this one. Each entry's files are loaded (relative
 * to the including file), merged, and their services, networks, volumes, secrets, configs and
 * models added to the project; a name defined on both sides is a conflict, as in Compose.
 */
import { stat } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { mergeFiles } from './merge';
import type { Report } from './report';
import { get, str, type At, type SEntry, type SMap, type SNode } from './tree';

/** Loads one included file (parsed, interpolated with `envFiles`, validated, extends resolved). */
export type IncludeFileLoader = (path: string, projectDir: string, envFiles: string[], at: At) => Promise<SNode | null>;

const SECTIONS = ['services', 'networks', 'volumes', 'secrets', 'configs', 'models'] as const;

function strings(node: SNode | undefined): { value: string; at: At }[] {
  if (!node) return [];
  if (node.kind === 'scalar') return node.value === null ? [] : [{ value: String(node.value), at: node.at }];
  if (node.kind === 'seq') return node.items.flatMap((i) => strings(i));
  return [];
}

/** Applies the `include` section of a file (recursively); returns the file without it. */
export async function applyIncludes(root: SNode, filePath: string, load: IncludeFileLoader, report: Report, stack: string[] = []): Promise<SNode> {
  const includes = get(root, 'include');
  if (root.kind !== 'map' || includes?.kind !== 'seq') return root;
  const base = dirname(filePath);
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(base, p));
  let out: SMap = { ...root, entries: new Map([...root.entries].filter(([k]) => k !== 'include')) };
  for (const item of includes.items) {
    const paths = item.kind === 'map' ? strings(get(item, 'path')) : strings(item);
    if (paths.length === 0) continue;
    const envFiles = item.kind === 'map' ? strings(get(item, 'env_file')).map((e) => abs(e.value)) : [];
    const projectDirText = item.kind === 'map' ? str(get(item, 'project_directory')) : undefined;
    const projectDir = projectDirText ? abs(projectDirText) : dirname(abs((paths[0] as { value: string }).value));
    let included: SNode | null = null;
    for (const p of paths) {
      const path = abs(p.value);
      if (path === filePath || stack.includes(path)) {
        report.error('include-cycle', `${p.value} includes itself through ${[...stack, filePath, path].map((f) => f.split(/[\\/]/).pop()).join(' → ')}.`, 'Remove one of these includes.', p.at);
        continue;
      }
      const isFile = await stat(path).then(
        (s) => s.isFile(),
        () => false,
      );
      if (!isFile) {
        report.error('include-file-missing', `The included file ${p.value} does not exist (${path}).`, 'Fix the path in `include` (it is relative to this compose file).', p.at, path);
        continue;
      }
      // A file that exists but cannot be used has its own diagnostics already.
      const loaded = await load(path, projectDir, envFiles, p.at);
      if (!loaded) continue;
      const nested = await applyIncludes(loaded, path, load, report, [...stack, filePath]);
      included = included ? mergeFiles(included, nested) : nested;
    }
    if (included) out = addIncluded(out, included, item.at, report);
  }
  return out;
}

/** Adds an included project's resources; a name on both sides is reported where the including file defines it. */
function addIncluded(root: SMap, included: SNode, includeAt: At, report: Report): SMap {
  const entries = new Map(root.entries);
  for (const section of SECTIONS) {
    const theirs = get(included, section);
    if (theirs?.kind !== 'map') continue;
    const theirEntry = (included as SMap).entries.get(section) as SEntry;
    const mineEntry = entries.get(section);
    const mine = mineEntry?.value.kind === 'map' ? mineEntry.value : undefined;
    const merged = new Map<string, SEntry>(mine?.entries ?? []);
    for (const [name, e] of theirs.entries) {
      const clash = merged.get(name);
      if (clash) {
        report.error(
          'include-conflict',
          `${section}.${name} is defined here and also by an included file; Compose does not merge included resources.`,
          'Rename one of them, or override the included one with an override file (-f) instead of defining it again.',
          clash.keyAt,
        );
        continue;
      }
      merged.set(name, e);
    }
    const at = mine?.at ?? theirs.at;
    entries.set(section, { key: section, keyAt: mineEntry?.keyAt ?? theirEntry.keyAt ?? includeAt, value: { kind: 'map', entries: merged, at } });
  }
  return { ...root, entries };
}
