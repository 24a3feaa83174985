/**
 * Second validation layer: Berth's support rules. Applies COMPOSE_KEY_SUPPORT (shared with the UI
 * and docs) to a merged project: warned keys give warnings, rejected keys give errors.
 */
import { COMPOSE_KEY_SUPPORT, type KeySupport } from '../../shared/domain/compose-support';
import type { Report } from './report';
import type { SEntry, SNode } from './tree';

export { COMPOSE_KEY_SUPPORT, type KeySupport, type SupportStatus } from '../../shared/domain/compose-support';

const BY_KEY = new Map<string, KeySupport>(COMPOSE_KEY_SUPPORT.map((k) => [k.key, k]));

/** The support entry for a key pattern (`services.*.restart`), falling back to the `x-*` entry for extensions. */
export function keySupport(pattern: string): KeySupport | undefined {
  const exact = BY_KEY.get(pattern);
  if (exact) return exact;
  const dot = pattern.lastIndexOf('.');
  const last = pattern.slice(dot + 1);
  return last.startsWith('x-') ? BY_KEY.get(`${pattern.slice(0, dot + 1)}x-*`) ?? BY_KEY.get('x-*') : undefined;
}

function truthy(node: SNode): boolean {
  return node.kind === 'scalar' ? node.value === true || node.value === 'true' : node.kind === 'map' || node.kind === 'seq';
}

function scalarText(node: SNode): string {
  return node.kind === 'scalar' && node.value !== null ? String(node.value) : '';
}

/** Value conditions named in the table's `when`, by id. */
export const SUPPORT_CONDITIONS: Record<string, (node: SNode) => boolean> = {
  // Reported by the one-off reading (electron/compose/one-off.ts), which sees the whole project.
  'not-a-one-off': () => false,
  // Bind mounts (a path of your computer) cannot reach Fargate; named volumes are EFS.
  'has-bind-mount': (n) =>
    n.kind === 'seq' &&
    n.items.some((i) => {
      if (i.kind === 'scalar') return /^[./~]|^[A-Za-z]:/.test(scalarText(i)) && scalarText(i).includes(':');
      const type = i.kind === 'map' ? i.entries.get('type')?.value : undefined;
      return type !== undefined && scalarText(type) === 'bind';
    }),
  'non-default-network': (n) => (n.kind === 'map' ? [...n.entries.keys()].some((k) => k !== 'default') : n.kind === 'seq'),
  true: truthy,
  'not-bridge': (n) => !['bridge', 'default', ''].includes(scalarText(n)),
  'not-only-sys-ptrace': (n) => n.kind !== 'seq' || n.items.some((i) => !['SYS_PTRACE', 'CAP_SYS_PTRACE'].includes(scalarText(i).toUpperCase())),
  global: (n) => scalarText(n) === 'global',
};

/** Reports one key according to its table entry. */
function apply(pattern: string, label: string, e: SEntry, report: Report): void {
  const rule = keySupport(pattern);
  if (!rule || rule.status === 'mapped') return;
  if (rule.when) {
    const applies = SUPPORT_CONDITIONS[rule.when];
    if (applies && !applies(e.value)) return;
  }
  const fix = rule.fix ?? 'Remove it.';
  if (rule.status === 'warned') report.warning('compose-key-warned', `${label} is accepted but not deployed as it runs locally: ${rule.note}`, fix, e.keyAt);
  else report.error('compose-key-rejected', `${label} cannot be deployed: ${rule.note}`, fix, e.keyAt);
}

function each(node: SNode | undefined, f: (e: SEntry) => void): void {
  if (node?.kind === 'map') for (const e of node.entries.values()) f(e);
}

/** Applies the table to the top level of a merged project. */
export function checkTopLevel(root: SNode, report: Report): void {
  each(root, (e) => {
    if (e.key !== 'services') apply(e.key, `\`${e.key}\``, e, report);
  });
}

/** Applies the table to one service (its keys and the nested keys the table lists). */
export function checkService(name: string, svc: SNode, report: Report): void {
  each(svc, (e) => {
    const label = e.key.startsWith('x-') ? `\`${e.key}\` on ${name}` : `\`${e.key}\` on ${name}`;
    apply(`services.*.${e.key}`, label, e, report);
    if (e.key === 'build') each(e.value, (b) => apply(`services.*.build.${b.key}`, `\`build.${b.key}\` on ${name}`, b, report));
    if (e.key === 'healthcheck') each(e.value, (h) => apply(`services.*.healthcheck.${h.key}`, `\`healthcheck.${h.key}\` on ${name}`, h, report));
    if (e.key === 'depends_on') each(e.value, (d) => each(d.value, (k) => apply(`services.*.depends_on.*.${k.key}`, `\`depends_on.${d.key}.${k.key}\` on ${name}`, k, report)));
    if (e.key === 'ports' && e.value.kind === 'seq') {
      for (const item of e.value.items) each(item, (p) => apply(`services.*.ports[].${p.key}`, `\`ports[].${p.key}\` on ${name}`, p, report));
    }
    if (e.key === 'deploy') {
      each(e.value, (d) => {
        apply(`services.*.deploy.${d.key}`, `\`deploy.${d.key}\` on ${name}`, d, report);
        if (d.key === 'resources') {
          each(d.value, (r) => each(r.value, (k) => apply(`services.*.deploy.resources.${r.key}.${k.key}`, `\`deploy.resources.${r.key}.${k.key}\` on ${name}`, k, report)));
        }
      });
    }
  });
}
