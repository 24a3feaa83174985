/**
 * The Compose Specification's merge rules (override files and `extends`), on positioned trees:
 * mappings merge key by key; `command`, `entrypoint` and `healthcheck.test` are replaced;
 * `environment`, `labels`, ... merge by variable (list and mapping forms alike); `depends_on` and
 * `networks` by name; `volumes` by container path; `secrets`/`configs` by source; other lists
 * are appended without duplicates; `!reset` removes a value and `!override` replaces it whole.
 */
import { childPath, scalar, type At, type SEntry, type SMap, type SNode } from './tree';

/** Service keys written as a list of `KEY=VALUE` or a mapping; merged as mappings. */
const KEY_VALUE_KEYS = new Set(['environment', 'labels', 'annotations', 'sysctls']);
/** Service keys written as one string or a list; merged as lists. */
const STRING_OR_LIST_KEYS = new Set(['env_file', 'dns', 'dns_search', 'tmpfs', 'label_file']);
/** Paths (inside a service) whose value replaces the previous one instead of merging. */
const REPLACED = new Set(['command', 'entrypoint', 'healthcheck.test']);

/** Brings a service's alternative forms to one shape so files can be merged. */
export function canonicalService(svc: SNode): SNode {
  if (svc.kind !== 'map') return svc;
  const entries = new Map<string, SEntry>();
  for (const [key, e] of svc.entries) {
    let value = e.value;
    if (KEY_VALUE_KEYS.has(key)) value = keyValueMap(value);
    else if (STRING_OR_LIST_KEYS.has(key) && value.kind === 'scalar' && value.value !== null) value = { kind: 'seq', items: [value], at: value.at, tag: value.tag };
    else if (key === 'build') value = canonicalBuild(value);
    else if (key === 'extends' && value.kind === 'scalar') value = { kind: 'map', entries: new Map([['service', { key: 'service', keyAt: value.at, value }]]), at: value.at };
    else if (key === 'depends_on' && value.kind === 'seq') value = namesToMap(value, (at) => conditionStarted(at));
    else if ((key === 'networks' || key === 'models') && value.kind === 'seq') value = namesToMap(value, (at) => scalar(null, at));
    else if (key === 'deploy' && value.kind === 'map') value = withChild(value, 'labels', keyValueMap);
    entries.set(key, value === e.value ? e : { ...e, value });
  }
  return { ...svc, entries };
}

function canonicalBuild(value: SNode): SNode {
  if (value.kind === 'scalar') {
    return { kind: 'map', entries: new Map([['context', { key: 'context', keyAt: value.at, value }]]), at: value.at, tag: value.tag };
  }
  if (value.kind !== 'map') return value;
  return withChild(withChild(value, 'args', keyValueMap), 'labels', keyValueMap);
}

function withChild(map: SMap, key: string, f: (n: SNode) => SNode): SMap {
  const e = map.entries.get(key);
  if (!e) return map;
  const value = f(e.value);
  if (value === e.value) return map;
  const entries = new Map(map.entries);
  entries.set(key, { ...e, value });
  return { ...map, entries };
}

/** `["KEY=VALUE", "KEY"]` → `{KEY: VALUE, KEY: null}`, each entry positioned at its list item. */
export function keyValueMap(node: SNode): SNode {
  if (node.kind !== 'seq') return node;
  const entries = new Map<string, SEntry>();
  for (const item of node.items) {
    if (item.kind !== 'scalar' || item.value === null) continue;
    const text = String(item.value);
    const eq = text.indexOf('=');
    const key = (eq === -1 ? text : text.slice(0, eq)).trim();
    if (key === '') continue;
    const value = eq === -1 ? scalar(null, item.at) : { ...scalar(text.slice(eq + 1), item.at), ...(item.refs ? { refs: item.refs } : {}) };
    entries.set(key, { key, keyAt: item.at, value });
  }
  return { kind: 'map', entries, at: node.at, tag: node.tag };
}

function namesToMap(node: SNode & { kind: 'seq' }, valueFor: (at: At) => SNode): SNode {
  const entries = new Map<string, SEntry>();
  for (const item of node.items) {
    if (item.kind !== 'scalar' || item.value === null) continue;
    const key = String(item.value);
    entries.set(key, { key, keyAt: item.at, value: valueFor(item.at) });
  }
  return { kind: 'map', entries, at: node.at, tag: node.tag };
}

function conditionStarted(at: At): SNode {
  const condition = scalar('service_started', { ...at, path: childPath(at.path, 'condition') });
  return { kind: 'map', entries: new Map([['condition', { key: 'condition', keyAt: at, value: condition }]]), at };
}

/** Merges an override service onto a base service (both canonical). */
export function mergeService(base: SNode, over: SNode): SNode {
  return mergeAt(base, over, '');
}

function mergeAt(base: SNode, over: SNode, path: string): SNode {
  if (over.tag === 'override' || REPLACED.has(path)) return untag(over);
  if (base.kind === 'map' && over.kind === 'map') return mergeMaps(base, over, path);
  if (base.kind === 'seq' && over.kind === 'seq') return mergeSeqs(base, over, path);
  return untag(over);
}

function mergeMaps(base: SMap, over: SMap, path: string): SMap {
  const entries = new Map(base.entries);
  for (const [key, e] of over.entries) {
    if (e.value.tag === 'reset') {
      entries.delete(key);
      continue;
    }
    const prev = entries.get(key);
    const childKey = path === '' ? key : `${path}.${key}`;
    entries.set(key, prev ? { ...e, value: mergeAt(prev.value, e.value, childKey) } : { ...e, value: untag(e.value) });
  }
  return { ...over, entries, tag: undefined };
}

function mergeSeqs(base: SNode & { kind: 'seq' }, over: SNode & { kind: 'seq' }, path: string): SNode {
  const identity = path === 'volumes' ? volumeTarget : path === 'ports' ? portIdentity : path === 'secrets' || path === 'configs' ? sourceOf : plainKey;
  const items: SNode[] = [];
  const index = new Map<string, number>();
  for (const item of [...base.items, ...over.items]) {
    const id = identity(item);
    const at = index.get(id);
    if (at === undefined) {
      index.set(id, items.length);
      items.push(item);
    } else items[at] = item;
  }
  return { ...over, items, tag: undefined };
}

function untag(node: SNode): SNode {
  return node.tag ? { ...node, tag: undefined } : node;
}

function plainKey(node: SNode): string {
  if (node.kind === 'scalar') return `s:${String(node.value)}`;
  return JSON.stringify(simple(node));
}

function simple(node: SNode): unknown {
  if (node.kind === 'scalar') return node.value;
  if (node.kind === 'seq') return node.items.map(simple);
  return [...node.entries.values()].map((e) => [e.key, simple(e.value)]);
}

/** A volume's container path: `src:/target[:mode]`, `/target`, or the long form's `target`. */
function volumeTarget(node: SNode): string {
  if (node.kind === 'map') {
    const t = node.entries.get('target')?.value;
    return t?.kind === 'scalar' ? `v:${String(t.value)}` : plainKey(node);
  }
  if (node.kind === 'scalar' && typeof node.value === 'string') {
    const parts = node.value.split(':');
    return `v:${parts.length >= 2 ? (parts[1] as string) : (parts[0] as string)}`;
  }
  return plainKey(node);
}

/** A port's identity whatever its form: `3000:3000` and `{target: 3000, published: 3000}` are the same port. */
function portIdentity(node: SNode): string {
  const field = (k: string) => {
    const v = node.kind === 'map' ? node.entries.get(k)?.value : undefined;
    return v?.kind === 'scalar' && v.value !== null ? String(v.value) : '';
  };
  if (node.kind === 'map') return `p:${field('host_ip')}|${field('published')}|${field('target')}|${(field('protocol') || 'tcp').toLowerCase()}|${field('mode') || 'ingress'}`;
  if (node.kind !== 'scalar' || node.value === null) return plainKey(node);
  const text = String(node.value);
  const [body = '', protocol = 'tcp'] = text.split('/');
  const parts = body.split(':');
  const target = parts.pop() ?? '';
  const published = parts.pop() ?? '';
  return `p:${parts.join(':')}|${published}|${target}|${protocol.toLowerCase()}|ingress`;
}

function sourceOf(node: SNode): string {
  if (node.kind === 'map') {
    const s = node.entries.get('source')?.value;
    return s?.kind === 'scalar' ? `s:${String(s.value)}` : plainKey(node);
  }
  return plainKey(node);
}

/** Merges two whole files (both with canonical services): services by name, other sections key by key. */
export function mergeFiles(base: SNode, over: SNode): SNode {
  if (base.kind !== 'map' || over.kind !== 'map') return over;
  const entries = new Map(base.entries);
  for (const [key, e] of over.entries) {
    const prev = entries.get(key);
    if (e.value.tag === 'reset') {
      entries.delete(key);
      continue;
    }
    if (!prev) {
      entries.set(key, e);
      continue;
    }
    if (key === 'services' && prev.value.kind === 'map' && e.value.kind === 'map') {
      const services = new Map(prev.value.entries);
      for (const [name, se] of e.value.entries) {
        const before = services.get(name);
        if (se.value.tag === 'reset') services.delete(name);
        else services.set(name, before ? { ...se, value: mergeService(before.value, se.value) } : se);
      }
      entries.set(key, { ...e, value: { ...e.value, entries: services } });
    } else if (key === 'include' && prev.value.kind === 'seq' && e.value.kind === 'seq') {
      entries.set(key, { ...e, value: { ...e.value, items: [...prev.value.items, ...e.value.items] } });
    } else {
      entries.set(key, { ...e, value: mergeAt(prev.value, e.value, `#${key}`) });
    }
  }
  return { ...over, entries };
}

/** Removes `!reset` values that had nothing to reset (in the first file). */
export function dropResets(node: SNode): SNode {
  if (node.kind === 'map') {
    const entries = new Map<string, SEntry>();
    for (const [k, e] of node.entries) if (e.value.tag !== 'reset') entries.set(k, { ...e, value: dropResets(e.value) });
    return { ...node, entries };
  }
  if (node.kind === 'seq') return { ...node, items: node.items.filter((i) => i.tag !== 'reset').map(dropResets) };
  return node;
}
