/**
 * Loads a compose project: finds the files, reads them with positions, interpolates, validates
 * against the Compose Specification, resolves `extends`, merges overrides, applies Berth's
 * support rules and normalises every service into the ProjectModel. Never throws for bad input:
 * every problem is a positioned diagnostic.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, resolve } from 'node:path';
import { ingressCarrier } from '../../shared/domain/ingress-ports';
import type { ComposeFileInfo, LoadedProject, ProjectModel, ServiceModel } from '../../shared/domain/project';
import { defaultComposeSelection, findComposeFiles } from './discover';
import { parseDotenv } from './dotenv';
import { EnvFileCache, textSource } from './environment';
import { resolveExtends } from './extends';
import { hostReferences, type SettingPlace } from './host-references';
import { applyIncludes, type IncludeFileLoader } from './include';
import { interpolateFile } from './interpolate';
import { canonicalService, dropResets, mergeFiles } from './merge';
import { normaliseProjectName, projectNameProblem, serviceNameProblem } from './names';
import { markOneOffs } from './one-off';
import { modelService, providerGateway, topLevelModels, wireModelAccess } from './llm';
import { composeSecrets } from './secrets';
import { warnEphemeralStores } from './stores';
import { namedVolume, namedVolumes } from './volumes';
import { normaliseService, type NormalisedService } from './normalize';
import { checkListenerConflicts, listenerPort } from './ports';
import { Report } from './report';
import { requiredConfig } from './required-config';
import { readComposeFile } from './source';
import { checkService, checkTopLevel } from './support';
import { get, NOWHERE, str, type At, type SEntry, type SNode } from './tree';
import { validateFile } from './validate-schema';

export interface LoadOptions {
  /** Compose files to load, in order (as `-f` does), relative to `dir`; default: the folder's compose file and its override. */
  files?: string[];
  /**
   * Variables for interpolation, over the project's `.env`. Default: none — the app's own
   * environment (HOME, a token in the user's shell) must never leak into what gets deployed.
   */
  env?: Record<string, string | undefined>;
  /** Active profiles; default: COMPOSE_PROFILES from the environment. */
  profiles?: string[];
}

/** Loads the project in `dir`. Never throws: problems come back as diagnostics. */
export async function loadProject(dir: string, options: LoadOptions = {}): Promise<LoadedProject> {
  const root = resolve(dir);
  const report = new Report();
  let composeFiles: string[] = [];
  try {
    composeFiles = await findComposeFiles(root);
    const project = await load(root, composeFiles, options, report);
    return { dir: root, project, composeFiles, diagnostics: report.sorted() };
  } catch (error) {
    // A bug must not take the app down: it becomes a diagnostic the user can report.
    report.error('internal-error', `Berth could not finish loading this project: ${error instanceof Error ? error.message : String(error)}`, 'Please report this problem with the compose file that caused it.', NOWHERE);
    return { dir: root, project: null, composeFiles, diagnostics: report.sorted() };
  }
}

async function load(dir: string, found: string[], options: LoadOptions, report: Report): Promise<ProjectModel | null> {
  const isFolder = await stat(dir).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isFolder) {
    report.error('folder-not-found', `${dir} is not a folder (it does not exist, or is a file).`, 'Choose the folder that holds the compose file.', NOWHERE, dir);
    return null;
  }
  const selection = selectFiles(dir, found, options.files, report);
  if (selection.length === 0) return null;

  // Interpolation variables: the environment wins over the project's .env.
  const env = options.env ?? {};
  const dotenvPath = resolve(dir, '.env');
  const dotenv = await readDotenv(dotenvPath, (n) => env[n], report);
  const lookup = (name: string): string | undefined => env[name] ?? dotenv.get(name);

  const files: ComposeFileInfo[] = [];
  if (dotenv.size > 0 || dotenv.existed) files.push({ path: dotenvPath, role: 'env' });

  // Each file: parse → interpolate → validate → canonical services. Extends targets load the same way.
  const cache = new Map<string, Promise<SNode | null>>();
  const flags = { mergeTags: false };
  const loadOne = (path: string, baseDir: string, at: At, vars = lookup, varsKey = ''): Promise<SNode | null> => {
    const key = `${path}\0${baseDir}\0${varsKey}`;
    let p = cache.get(key);
    if (!p) {
      p = prepareFile(path, baseDir, at, vars, report, flags);
      cache.set(key, p);
    }
    return p;
  };
  const loadExtends = async (path: string, at: At) => {
    const node = await loadOne(path, dirname(path), at);
    if (node && !files.some((f) => f.path === path)) files.push({ path, role: 'extends' });
    return node;
  };

  // Included projects read their own env files (or the .env of their folder) for interpolation.
  const loadIncluded: IncludeFileLoader = async (path, projectDir, envFiles, at) => {
    const paths = envFiles.length > 0 ? envFiles : [resolve(projectDir, '.env')];
    const vars = new Map<string, string>();
    for (const p of paths) {
      if (p === dotenvPath) continue;
      const read = await readDotenv(p, (n) => env[n], report);
      if (!read.existed && envFiles.length > 0) report.error('env-file-missing', `The env_file ${p} of this include does not exist.`, 'Create the file, or fix `env_file` in `include`.', at, p);
      for (const [k, v] of read) vars.set(k, v);
      if (read.existed && !files.some((f) => f.path === p)) files.push({ path: p, role: 'env' });
    }
    const node = await loadOne(path, projectDir, at, (n) => env[n] ?? vars.get(n) ?? dotenv.get(n), paths.join('|'));
    if (!node) return null;
    if (!files.some((f) => f.path === path)) files.push({ path, role: 'extends' });
    return resolveExtends(node, path, loadExtends, report);
  };

  let merged: SNode | null = null;
  for (const [i, path] of selection.entries()) {
    files.push({ path, role: i === 0 ? 'main' : 'override' });
    const prepared = await loadOne(path, dir, NOWHERE);
    if (!prepared) continue;
    const withIncludes = await applyIncludes(prepared, path, loadIncluded, report);
    const resolved = await resolveExtends(withIncludes, path, loadExtends, report);
    merged = merged ? mergeFiles(merged, resolved) : resolved;
  }
  if (!merged) return null;
  if (flags.mergeTags) merged = dropResets(merged);

  const name = projectName(dir, merged, lookup, report);
  checkTopLevel(merged, report);

  const servicesNode = get(merged, 'services');
  const serviceEntries: SEntry[] = servicesNode?.kind === 'map' ? [...servicesNode.entries.values()] : [];
  if (serviceEntries.length === 0) {
    report.error('no-services', 'The project defines no services.', 'Add a `services:` section with at least one service.', servicesNode?.at ?? { src: null, offset: 0, path: 'services' });
  }

  const profiles = activeProfiles(options.profiles, lookup);
  const notDeployed: { service: string; reason: string }[] = [];
  const inactive = new Map<string, string>();
  const normalised: NormalisedService[] = [];
  const envFiles = new EnvFileCache();
  for (const e of serviceEntries) {
    const svc = e.value;
    const svcProfiles = listOf(get(svc, 'profiles'));
    if (svcProfiles.length > 0 && !profiles.includes('*') && !svcProfiles.some((p) => profiles.includes(p))) {
      const reason = `Only in profile ${svcProfiles.join(', ')}, which is not active.`;
      inactive.set(e.key, reason);
      notDeployed.push({ service: e.key, reason });
      continue;
    }
    checkService(e.key, svc, report);
    const nameProblem = serviceNameProblem(e.key);
    if (nameProblem) report.error('service-name-invalid', nameProblem, `Rename the service, e.g. "${e.key.replace(/\./g, '-').replace(/^-+|-+$/g, '')}".`, e.keyAt);
    else if (/[A-Z]/.test(e.key)) {
      report.warning('service-name-case', `The service name "${e.key}" has capital letters; DNS names are lower case, so it is reached as ${e.key.toLowerCase()}.${name}.internal.`, `Rename it "${e.key.toLowerCase()}".`, e.keyAt);
    }
    const provided = get(svc, 'provider') !== undefined;
    const service = await normaliseService(e.key, svc, e.keyAt, { lookup, envFiles, report, provided });
    if (provided) providerGateway(service, svc, report);
    normalised.push(service);
  }

  for (const entry of topLevelModels(merged, report)) {
    if (serviceEntries.some((e) => e.key === entry.name)) {
      report.error('model-name-taken', `The model ${entry.name} has the name of a service; Berth deploys each model as a service of its name.`, 'Rename the model or the service.', entry.keyAt);
      continue;
    }
    normalised.push(modelService(entry, report));
  }
  const defined = new Set([...serviceEntries.map((e) => e.key), ...normalised.map((n) => n.model.name)]);
  checkDependencies(normalised, defined, inactive, report);
  wireModelAccess(normalised, new Map(serviceEntries.map((e) => [e.key, e.value])), report);
  markOneOffs(normalised, report);
  const serviceNodes = new Map(serviceEntries.map((e) => [e.key, e.value]));
  const secrets = await composeSecrets(merged, normalised.map((n) => ({ model: n.model, node: serviceNodes.get(n.model.name)! })), dir, report);
  const volumes = namedVolumes(merged, normalised.map((n) => ({ model: n.model, node: serviceNodes.get(n.model.name)! })), report);
  warnEphemeralStores(normalised, report);
  checkReferences(merged, serviceEntries, inactive, report);
  checkListenerConflicts(
    normalised.map((n) => ({ service: n.model.name, placed: n.ports })),
    report,
  );
  checkIngressHealth(normalised, report);

  const services: ServiceModel[] = normalised.map((n) => n.model);
  const byName = new Map(serviceEntries.map((e) => [e.key, e.value]));
  for (const path of await envFiles.existing()) if (!files.some((f) => f.path === path)) files.push({ path, role: 'env' });

  const project: ProjectModel = {
    name,
    dir,
    files,
    services,
    requiredConfig: requiredConfig(services, secrets),
    ...(secrets.length > 0 ? { secrets } : {}),
    ...(volumes.length > 0 ? { volumes } : {}),
    hostReferences: hostReferences({ name, services, notDeployed }, settingPlace(normalised, byName), report),
    profiles,
    notDeployed,
  };
  return project;
}

/** The files to load: the ones asked for, or the folder's main compose file and its override. */
function selectFiles(dir: string, found: string[], asked: string[] | undefined, report: Report): string[] {
  if (asked && asked.length > 0) return asked.map((f) => (isAbsolute(f) ? f : resolve(dir, f)));
  const { files, ignoredMain } = defaultComposeSelection(found);
  if (files.length === 0) {
    report.error(
      'no-compose-file',
      `No compose file in ${dir}: Berth looks for compose.yaml, compose.yml, docker-compose.yaml or docker-compose.yml.`,
      'Open the folder that holds the compose file, or choose the files to load.',
      NOWHERE,
      dir,
    );
    return [];
  }
  for (const other of ignoredMain) {
    report.warning('compose-file-ignored', `${basename(other)} is ignored: ${basename(files[0] as string)} is loaded instead (Compose uses the first of compose.yaml, compose.yml, docker-compose.yaml, docker-compose.yml).`, 'Remove or rename one of them, or choose the files to load.', { src: null, offset: 0, path: '' }, other);
  }
  return files;
}

async function prepareFile(
  path: string,
  baseDir: string,
  at: At,
  lookup: (n: string) => string | undefined,
  report: Report,
  flags: { mergeTags: boolean },
): Promise<SNode | null> {
  const parsed = await readComposeFile(path, baseDir, report, at);
  if (!parsed.root) return null;
  if (parsed.mergeTags) flags.mergeTags = true;
  if (parsed.root.kind !== 'map') {
    report.error('compose-not-mapping', `${path} must be a mapping with a \`services:\` key; it holds a ${parsed.root.kind === 'seq' ? 'list' : 'single value'}.`, 'Start the file with `services:`.', parsed.root.at);
    return null;
  }
  const interpolated = interpolateFile(parsed.root, lookup, report);
  const valid = validateFile(interpolated, report);
  if (!valid || valid.kind !== 'map') return null;
  const services = valid.entries.get('services');
  if (services?.value.kind !== 'map') return valid;
  const canonical = new Map<string, SEntry>();
  for (const [k, e] of services.value.entries) canonical.set(k, { ...e, value: canonicalService(e.value) });
  const entries = new Map(valid.entries);
  entries.set('services', { ...services, value: { ...services.value, entries: canonical } });
  return { ...valid, entries };
}

async function readDotenv(path: string, lookup: (n: string) => string | undefined, report: Report): Promise<Map<string, string> & { existed?: boolean }> {
  const out: Map<string, string> & { existed?: boolean } = new Map();
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return out;
  }
  out.existed = true;
  const src = textSource(path, text);
  const parsed = parseDotenv(text, lookup);
  for (const p of parsed.problems) {
    report.error('env-file-syntax', `${path} line ${p.line}: ${p.message}`, 'Write one KEY=VALUE per line.', { src, offset: src.lines.lineStarts[p.line - 1] ?? 0, path: '' });
  }
  for (const e of parsed.entries) if (e.value !== null) out.set(e.key, e.value);
  return out;
}

function projectName(dir: string, merged: SNode, lookup: (n: string) => string | undefined, report: Report): string {
  const fromEnv = lookup('COMPOSE_PROJECT_NAME');
  const nameNode = get(merged, 'name');
  const written = fromEnv ?? str(nameNode);
  if (written !== undefined && written !== '') {
    const problem = projectNameProblem(written);
    if (!problem) return written;
    const fallback = normaliseProjectName(written) || 'project';
    report.error('project-name-invalid', problem, `Use a name such as "${fallback}".`, fromEnv !== undefined || !nameNode ? NOWHERE : nameNode.at);
    return fallback;
  }
  const derived = normaliseProjectName(basename(dir));
  if (derived === '') {
    report.error('project-name-invalid', `The folder name "${basename(dir)}" gives no usable project name.`, 'Add `name: my-project` at the top of the compose file.', NOWHERE);
    return 'project';
  }
  return derived;
}

function activeProfiles(asked: string[] | undefined, lookup: (n: string) => string | undefined): string[] {
  if (asked) return [...asked];
  const fromEnv = lookup('COMPOSE_PROFILES');
  return fromEnv ? fromEnv.split(',').map((p) => p.trim()).filter(Boolean) : [];
}

function listOf(node: SNode | undefined): string[] {
  return node?.kind === 'seq' ? node.items.map((i) => str(i) ?? '').filter(Boolean) : [];
}

/** depends_on: every name must be a service; dependencies on left-out services are dropped or reported; no cycles. */
function checkDependencies(services: NormalisedService[], defined: Set<string>, inactive: Map<string, string>, report: Report): void {
  const deployed = new Set(services.map((s) => s.model.name));
  for (const s of services) {
    for (const dep of s.dependsOn) {
      if (inactive.has(dep.name)) {
        if (dep.required) {
          report.error('depends-on-inactive', `${s.model.name} depends on ${dep.name}, which is left out: ${inactive.get(dep.name) as string}`, `Activate its profile, or mark the dependency \`required: false\`.`, dep.at);
        }
        continue;
      }
      if (!defined.has(dep.name)) {
        report.error('depends-on-unknown', `${s.model.name} depends on ${dep.name}, but there is no service named ${dep.name}.`, 'Fix the service name in depends_on, or add that service.', dep.at);
        continue;
      }
      if (deployed.has(dep.name) && !s.model.dependsOn.includes(dep.name)) s.model.dependsOn.push(dep.name);
    }
  }
  // Cycles: depth-first search, reporting the edge that closes each cycle.
  const byName = new Map(services.map((s) => [s.model.name, s]));
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, trail: string[]) => {
    state.set(name, 'visiting');
    const s = byName.get(name) as NormalisedService;
    for (const dep of s.model.dependsOn) {
      if (state.get(dep) === 'visiting') {
        const cycle = [...trail.slice(trail.indexOf(dep)), name, dep];
        const at = s.dependsOn.find((d) => d.name === dep)?.at ?? NOWHERE;
        report.error('depends-on-cycle', `depends_on forms a cycle: ${cycle.join(' → ')}.`, 'Remove one of these dependencies: services cannot all wait for each other.', at);
      } else if (!state.has(dep)) visit(dep, [...trail, name]);
    }
    state.set(name, 'done');
  };
  for (const s of services) if (!state.has(s.model.name)) visit(s.model.name, []);
}

/** Networks and named volumes a service uses must be declared at the top level. */
function checkReferences(merged: SNode, services: SEntry[], inactive: Map<string, string>, report: Report): void {
  const networks = new Set(get(merged, 'networks')?.kind === 'map' ? [...(get(merged, 'networks') as SNode & { kind: 'map' }).entries.keys()] : []);
  const volumes = new Set(get(merged, 'volumes')?.kind === 'map' ? [...(get(merged, 'volumes') as SNode & { kind: 'map' }).entries.keys()] : []);
  for (const e of services) {
    if (inactive.has(e.key)) continue;
    const nets = get(e.value, 'networks');
    if (nets?.kind === 'map') {
      for (const [n, ne] of nets.entries) {
        if (n !== 'default' && !networks.has(n)) report.error('network-undefined', `${e.key} joins network ${n}, which the top-level \`networks:\` does not declare.`, `Declare it under \`networks:\` (or remove it from ${e.key}).`, ne.keyAt);
      }
    }
    const vols = get(e.value, 'volumes');
    if (vols?.kind === 'seq') {
      for (const v of vols.items) {
        const source = v.kind === 'scalar' ? namedVolume(str(v) ?? '') : str(get(v, 'type')) === 'volume' ? str(get(v, 'source')) : undefined;
        if (source && !volumes.has(source)) report.error('volume-undefined', `${e.key} mounts volume ${source}, which the top-level \`volumes:\` does not declare.`, `Declare it under \`volumes:\`, or use a path (./${source}) for a bind mount.`, v.at);
      }
    }
  }
}

/** An ingress service should tell the load balancer what to check. */
function checkIngressHealth(services: NormalisedService[], report: Report): void {
  for (const s of services) {
    if (s.model.managed || s.model.oneOff) continue;
    // Only the application load balancer checks GET <path>; the network one connects over TCP.
    const ingress = s.ports.find((p) => p.port.mode === 'ingress' && ingressCarrier(p.port) === 'application');
    if (!ingress) continue;
    const port = ingress.port.target;
    if (!s.model.healthcheck) {
      report.warning(
        'healthcheck-missing',
        `${s.model.name} is public on port ${listenerPort(ingress.port)} but has no healthcheck: the load balancer will check GET / on port ${port} and needs a 2xx or 3xx answer.`,
        `Add a healthcheck such as test: ["CMD", "curl", "-f", "http://localhost:${port}/"] (use a path that answers quickly).`,
        s.sourceAt,
      );
    } else if (!s.model.healthcheck.httpPath) {
      report.warning(
        'healthcheck-not-http',
        `The healthcheck of ${s.model.name} does not call an http://localhost URL, so the load balancer will check GET / on port ${port}.`,
        `Use an HTTP check such as ["CMD", "curl", "-f", "http://localhost:${port}/health"].`,
        s.healthcheckAt ?? s.sourceAt,
      );
    }
  }
}

/** Where each env value and each `command` / `entrypoint` word of a service is written. */
function settingPlace(services: NormalisedService[], nodes: Map<string, SNode>): SettingPlace {
  const env = new Map(services.map((s) => [s.model.name, s.env]));
  return (service, where, key) => {
    if (where === 'environment') return env.get(service)?.get(String(key))?.at;
    const node = get(nodes.get(service), where);
    // A list has a position per word; a string command is one value.
    return node?.kind === 'seq' ? node.items[Number(key)]?.at : node?.at;
  };
}
