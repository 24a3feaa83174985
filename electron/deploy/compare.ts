/**
 * Two deployments side by side, from their records and their releases in the bucket: services,
 * images (by digest), config names and versions, compose files (a unified diff) and the
 * project stack's resources. Never a config value: releases hold none.
 */
import { createTwoFilesPatch } from 'diff';
import type { DeploymentComparison, DeploymentRecord } from '../../shared/domain/deploy';
import type { CfnTemplate } from '../../shared/domain/plan';
import { canonicalJson } from '../plan/cfn';
import type { Release } from './release';

const sorted = (values: Iterable<string>) => [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

function header(r: DeploymentRecord): DeploymentComparison['from'] {
  return { id: r.id, startedAt: r.startedAt, outcome: r.outcome, mode: r.mode, ...(r.rollbackOf ? { rollbackOf: r.rollbackOf } : {}) };
}

function keyDiff<T>(a: Record<string, T>, b: Record<string, T>, same: (x: T, y: T) => boolean) {
  return {
    added: sorted(Object.keys(b).filter((k) => !(k in a))),
    removed: sorted(Object.keys(a).filter((k) => !(k in b))),
    changed: sorted(Object.keys(a).filter((k) => k in b && !same(a[k]!, b[k]!))),
  };
}

/** Config parameters by the name the user knows (`/Berth/<project>/NAME` → NAME). */
function configNames(project: string, versions: Record<string, number>): Record<string, number> {
  const prefix = `/Berth/${project}/`;
  return Object.fromEntries(Object.entries(versions).map(([p, v]) => [p.startsWith(prefix) ? p.slice(prefix.length) : p, v]));
}

function fileDiffs(a: Record<string, string>, b: Record<string, string>): DeploymentComparison['files'] {
  const paths = sorted(new Set([...Object.keys(a), ...Object.keys(b)]));
  return paths.flatMap((path) => {
    const before = a[path];
    const after = b[path];
    if (before === after) return [];
    const change = before === undefined ? 'added' : after === undefined ? 'removed' : 'changed';
    return [{ path, change, diff: createTwoFilesPatch(`a/${path}`, `b/${path}`, before ?? '', after ?? '', '', '', { context: 3 }) } as const];
  });
}

function resourceDiffs(a: Release | undefined, b: Release | undefined): DeploymentComparison['resources'] {
  if (!a || !b) return [];
  const ra = (JSON.parse(a.template) as CfnTemplate).Resources ?? {};
  const rb = (JSON.parse(b.template) as CfnTemplate).Resources ?? {};
  const d = keyDiff(ra, rb, (x, y) => canonicalJson(x) === canonicalJson(y));
  const typeOf = (id: string) => (rb[id] ?? ra[id])!.Type;
  return [
    ...d.added.map((logicalId) => ({ change: 'added' as const, logicalId, type: typeOf(logicalId) })),
    ...d.removed.map((logicalId) => ({ change: 'removed' as const, logicalId, type: typeOf(logicalId) })),
    ...d.changed.map((logicalId) => ({ change: 'changed' as const, logicalId, type: typeOf(logicalId) })),
  ];
}

/** Compares deployment `from` with deployment `to` (either order; `from` is usually the older). */
export function compareDeployments(from: { record: DeploymentRecord; release?: Release }, to: { record: DeploymentRecord; release?: Release }): DeploymentComparison {
  const servicesOf = (s: { record: DeploymentRecord; release?: Release }) => new Set(s.release?.model.services.map((x) => x.name) ?? [...Object.keys(s.record.images ?? {}), ...Object.keys(s.record.digests)]);
  const sa = servicesOf(from);
  const sb = servicesOf(to);
  const imagesA = from.record.images ?? {};
  const imagesB = to.record.images ?? {};
  const images = sorted(new Set([...Object.keys(imagesA), ...Object.keys(imagesB), ...Object.keys(from.record.digests), ...Object.keys(to.record.digests)]))
    .filter((service) => imagesA[service] !== imagesB[service] || from.record.digests[service] !== to.record.digests[service])
    .map((service) => ({
      service,
      ...(imagesA[service] ? { from: imagesA[service] } : {}),
      ...(imagesB[service] ? { to: imagesB[service] } : {}),
      ...(from.record.digests[service] ? { contextFrom: from.record.digests[service] } : {}),
      ...(to.record.digests[service] ? { contextTo: to.record.digests[service] } : {}),
    }));
  const project = to.record.project;
  const config = keyDiff(configNames(project, from.record.configVersions ?? {}), configNames(project, to.record.configVersions ?? {}), (x, y) => x === y);
  const missing = [from, to].filter((s) => !s.release).map((s) => `Deployment ${s.record.id} has no stored release (made by an earlier Berth, or it failed before its stack was sent): its compose files and resources are not compared.`);
  return {
    from: header(from.record),
    to: header(to.record),
    services: { added: sorted([...sb].filter((s) => !sa.has(s))), removed: sorted([...sa].filter((s) => !sb.has(s))) },
    images,
    config,
    files: from.release && to.release ? fileDiffs(from.release.composeFiles, to.release.composeFiles) : [],
    resources: resourceDiffs(from.release, to.release),
    missing,
  };
}

/** The comparison as plain text (the CLI's output). */
export function formatComparison(c: DeploymentComparison): string[] {
  const lines = [`From ${c.from.id} (${c.from.outcome}) to ${c.to.id} (${c.to.outcome})`];
  const section = (title: string, items: string[]) => {
    lines.push('', `${title}:`);
    lines.push(...(items.length > 0 ? items.map((i) => `  ${i}`) : ['  none']));
  };
  section('Services', [...c.services.added.map((s) => `+ ${s}`), ...c.services.removed.map((s) => `- ${s}`)]);
  section(
    'Images',
    c.images.map((i) => `~ ${i.service}: ${i.from ?? '(none)'} → ${i.to ?? '(none)'}${i.contextFrom || i.contextTo ? ` (build context ${short(i.contextFrom)} → ${short(i.contextTo)})` : ''}`),
  );
  section('Config (names only)', [...c.config.added.map((n) => `+ ${n}`), ...c.config.removed.map((n) => `- ${n}`), ...c.config.changed.map((n) => `~ ${n} (new value)`)]);
  section('Resources', c.resources.map((r) => `${r.change === 'added' ? '+' : r.change === 'removed' ? '-' : '~'} ${r.logicalId} (${r.type})`));
  lines.push('', 'Compose files:');
  if (c.files.length === 0) lines.push('  none changed');
  for (const f of c.files) lines.push(...f.diff.trimEnd().split('\n').filter((l) => !l.startsWith('====')));
  for (const m of c.missing) lines.push('', m);
  return lines;
}

function short(digest: string | undefined): string {
  return digest ? digest.replace(/^sha256:/, '').slice(0, 12) : '(none)';
}
