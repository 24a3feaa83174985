/**
 * `extends`: a service starts from another service, in the same file or in `file:`, then its own
 * keys are merged on top (the Compose Specification's merge rules). Chains are followed; cycles
 * and missing files or services are reported where the `extends` is written.
 */
import { stat } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { mergeService } from './merge';
import type { Report } from './report';
import { get, str, type At, type SEntry, type SNode } from './tree';

/** Loads (and caches) another compose file for `extends: file:`; null when it cannot be used. */
export type ExtendsFileLoader = (path: string, at: At) => Promise<SNode | null>;

/** Resolves every `extends` of a file's services; returns the file with services merged and `extends` removed. */
export async function resolveExtends(root: SNode, filePath: string, loadFile: ExtendsFileLoader, report: Report): Promise<SNode> {
  const services = get(root, 'services');
  if (root.kind !== 'map' || services?.kind !== 'map') return root;
  const memo = new Map<string, SNode>();
  const resolved = new Map<string, SEntry>();
  for (const [name, e] of services.entries) {
    resolved.set(name, { ...e, value: await resolveService(root, filePath, name, e.value, [], memo, loadFile, report) });
  }
  const entries = new Map(root.entries);
  const servicesEntry = root.entries.get('services') as SEntry;
  entries.set('services', { ...servicesEntry, value: { ...services, entries: resolved } });
  return { ...root, entries };
}

async function resolveService(
  fileRoot: SNode,
  filePath: string,
  name: string,
  svc: SNode,
  stack: string[],
  memo: Map<string, SNode>,
  loadFile: ExtendsFileLoader,
  report: Report,
): Promise<SNode> {
  const key = `${filePath}#${name}`;
  const known = memo.get(key);
  if (known) return known;
  const ext = get(svc, 'extends');
  if (svc.kind !== 'map' || !ext) return svc;
  const own: SNode = { ...svc, entries: new Map([...svc.entries].filter(([k]) => k !== 'extends')) };
  const baseName = str(get(ext, 'service'));
  if (!baseName) return own;
  const fileNode = get(ext, 'file');
  const relFile = str(fileNode);
  const basePath = relFile ? (isAbsolute(relFile) ? relFile : resolve(dirname(filePath), relFile)) : filePath;
  const baseKey = `${basePath}#${baseName}`;
  if (stack.includes(baseKey) || baseKey === key) {
    const chain = [...stack, key, baseKey].map((k) => k.split('#')[1]).join(' → ');
    report.error('extends-cycle', `${name} extends itself through a cycle: ${chain}.`, 'Break the cycle: one of these services must not extend the others.', ext.at);
    return own;
  }
  let baseRoot: SNode | null = fileRoot;
  if (relFile && basePath !== filePath) {
    const isFile = await stat(basePath).then(
      (s) => s.isFile(),
      () => false,
    );
    if (!isFile) {
      report.error('extends-file-missing', `${name} extends ${baseName} from ${relFile}, which does not exist (${basePath}).`, 'Fix `extends.file` (it is relative to this compose file).', fileNode?.at ?? ext.at, basePath);
      return own;
    }
    // A file that exists but cannot be used has its own diagnostics already.
    baseRoot = await loadFile(basePath, fileNode?.at ?? ext.at);
    if (!baseRoot) return own;
  }
  const base = get(get(baseRoot, 'services'), baseName);
  if (!base) {
    report.error('extends-service-missing', `${name} extends ${baseName}, but ${relFile ?? 'this file'} has no service named ${baseName}.`, 'Fix `extends.service`, or add that service.', get(ext, 'service')?.at ?? ext.at, relFile ? basePath : undefined);
    return own;
  }
  const resolvedBase = await resolveService(baseRoot, basePath, baseName, base, [...stack, key], memo, loadFile, report);
  const merged = mergeService(resolvedBase, own);
  memo.set(key, merged);
  return merged;
}
