/**
 * Compose secrets (`secrets:` at the top level and on services), as compose mounts them: a
 * file per secret at `/run/secrets/<name>` (or its `target`). A `file:` source is read at deploy
 * time into its own SecureString; an `environment:` source names a config value set in Berth's
 * Secrets (the desktop app has no shell environment to read it from). `build.secrets` name the
 * same top-level secrets, which reach BuildKit as build secrets. Values never enter the model:
 * only where they come from.
 */
import { readFile, stat } from 'node:fs/promises';
import { dirname, isAbsolute, posix, relative, resolve } from 'node:path';
import type { ComposeSecret, SecretFile, ServiceModel } from '../../shared/domain/project';
import type { Report } from './report';
import { get, lineCol, str, type At, type SNode } from './tree';

/** Where compose mounts secrets; Fargate can mount a volume on a folder, not a single file elsewhere. */
export const SECRETS_DIR = '/run/secrets';
/** A standard-tier SSM parameter holds at most 4 KB. */
export const SECRET_FILE_MAX_BYTES = 4096;
const CONFIG_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

function placed(at: At) {
  return { file: at.src?.path ?? '', ...lineCol(at) };
}

/** Reads the top-level secrets the deployed services use, and gives each service its files. */
export async function composeSecrets(root: SNode, services: { model: ServiceModel; node: SNode }[], projectDir: string, report: Report): Promise<ComposeSecret[]> {
  const defined = get(root, 'secrets');
  const definitions = new Map(defined?.kind === 'map' ? [...defined.entries.values()].map((e) => [e.key, e] as const) : []);
  const used = new Set<string>();
  for (const { model, node } of services) {
    for (const source of buildSecrets(model, node, definitions, report)) used.add(source);
    const list = get(node, 'secrets');
    if (list?.kind !== 'seq') continue;
    const files: SecretFile[] = [];
    for (const item of list.items) {
      const source = item.kind === 'map' ? str(get(item, 'source')) : str(item);
      if (!source) continue;
      if (!definitions.has(source)) {
        report.error('secret-unknown', `${model.name} mounts the secret ${source}, but no top-level secret is called ${source}.`, `Declare it under the top-level \`secrets:\` (e.g. \`${source}: {file: ./${source}.txt}\`), or fix the name.`, item.at);
        continue;
      }
      const target = item.kind === 'map' ? str(get(item, 'target')) : undefined;
      const path = target ? (isAbsolute(target) || target.startsWith('/') ? posix.normalize(target) : posix.join(SECRETS_DIR, target)) : posix.join(SECRETS_DIR, source);
      if (posix.dirname(path) !== SECRETS_DIR) {
        report.error('secret-target-outside', `${model.name} mounts ${source} at ${path}; Berth puts secret files in ${SECRETS_DIR} only (Fargate mounts a folder, and one over ${posix.dirname(path)} would hide the image's files there).`, `Use a target inside ${SECRETS_DIR} (e.g. \`target: ${posix.basename(path)}\`) and read it from there.`, get(item, 'target')?.at ?? item.at);
        continue;
      }
      const file: SecretFile = { secret: source, path };
      for (const key of ['uid', 'gid'] as const) {
        const v = item.kind === 'map' ? str(get(item, key)) : undefined;
        if (v !== undefined) file[key] = v;
      }
      const mode = item.kind === 'map' ? get(item, 'mode') : undefined;
      // Compose reads `mode: 0440` as octal; YAML 1.2 reads the same digits as the number 440.
      if (mode?.kind === 'scalar' && mode.value !== null) file.mode = typeof mode.value === 'number' ? `0${String(mode.value).padStart(3, '0')}` : String(mode.value);
      files.push(file);
      used.add(source);
    }
    if (files.length > 0) model.secretFiles = files;
  }
  const out: ComposeSecret[] = [];
  for (const name of [...used].sort()) {
    const entry = definitions.get(name)!;
    const secret = await readDefinition(name, entry.value, entry.keyAt, projectDir, report);
    if (secret) out.push(secret);
  }
  return out;
}

/**
 * Reads a service's `build.secrets` into its BuildSpec and gives the secrets it uses. BuildKit
 * sees each as the id `target` (long form), else the secret's name, as docker compose passes
 * them (`addSecretsConfig` in docker/compose `pkg/compose/build.go`).
 */
function buildSecrets(model: ServiceModel, node: SNode, definitions: Map<string, unknown>, report: Report): string[] {
  const list = get(get(node, 'build'), 'secrets');
  if (!model.build || list?.kind !== 'seq') return [];
  const secrets: { id: string; secret: string }[] = [];
  for (const item of list.items) {
    const source = item.kind === 'map' ? str(get(item, 'source')) : str(item);
    if (!source) continue;
    if (!definitions.has(source)) {
      report.error('secret-unknown', `The build of ${model.name} uses the secret ${source}, but no top-level secret is called ${source}.`, `Declare it under the top-level \`secrets:\` (e.g. \`${source}: {environment: ${source.toUpperCase().replace(/[^A-Z0-9_]/g, '_')}}\`), or fix the name.`, item.at);
      continue;
    }
    const id = (item.kind === 'map' ? str(get(item, 'target')) : undefined) || source;
    const ignored = item.kind === 'map' ? (['uid', 'gid', 'mode'] as const).filter((k) => get(item, k) !== undefined) : [];
    if (ignored.length > 0) {
      // docker compose ignores them too: a build secret is mounted by the Dockerfile's RUN --mount.
      report.warning('build-secret-mode-ignored', `The build of ${model.name} sets ${ignored.join(', ')} on the secret ${source}; BuildKit does not take them for build secrets, so they are ignored.`, 'Set them where the Dockerfile mounts it: `RUN --mount=type=secret,id=' + id + ',uid=…,mode=…`.', get(item, ignored[0]!)!.at);
    }
    secrets.push({ id, secret: source });
  }
  if (secrets.length === 0) return [];
  model.build.secrets = secrets;
  return secrets.map((s) => s.secret);
}

async function readDefinition(name: string, node: SNode, at: At, projectDir: string, report: Report): Promise<ComposeSecret | undefined> {
  const declared = placed(at);
  const file = get(node, 'file');
  const environment = str(get(node, 'environment'));
  if (get(node, 'external') !== undefined && str(get(node, 'external')) !== 'false') {
    report.error('secret-external', `The secret ${name} is external: it lives outside this project, where Berth cannot read it.`, `Give it a source Berth can deploy: \`environment: ${name.toUpperCase().replace(/[^A-Z0-9_]/g, '_')}\` (then set that name in Berth's Secrets), or \`file: ./${name}.txt\`.`, at);
    return undefined;
  }
  if (environment !== undefined) {
    if (!CONFIG_NAME.test(environment)) {
      report.error('secret-environment-invalid', `The secret ${name} reads the variable "${environment}", which is not a name Berth's Secrets can hold.`, 'Use letters, digits and _ (starting with a letter or _), at most 64 characters.', get(node, 'environment')!.at);
      return undefined;
    }
    return { name, source: { kind: 'config', name: environment }, declared };
  }
  const shown = str(file);
  if (!file || !shown) {
    report.error('secret-no-source', `The secret ${name} has neither \`file:\` nor \`environment:\`.`, `Add \`file: ./${name}.txt\` or \`environment: ${name.toUpperCase().replace(/[^A-Z0-9_]/g, '_')}\`.`, at);
    return undefined;
  }
  // Relative paths resolve as every other path written in that file does.
  const base = file.at.src?.baseDir ?? (file.at.src?.path ? dirname(file.at.src.path) : projectDir);
  const path = resolve(base, shown);
  const problem = await fileProblem(path);
  if (problem) {
    report.error('secret-file-invalid', `The secret ${name} reads ${shown}, which ${problem} (${relative(projectDir, path) || path}).`, problem.startsWith('does not exist') ? `Create the file, or point \`file:\` at it.` : `Keep a secret file to text of at most ${SECRET_FILE_MAX_BYTES} bytes (an SSM SecureString); larger files belong in the image or S3.`, file.at);
    return undefined;
  }
  return { name, source: { kind: 'file', path, shown }, declared };
}

/** Why a secret file cannot be stored, or undefined when it can. */
export async function fileProblem(path: string): Promise<string | undefined> {
  const info = await stat(path).catch(() => undefined);
  if (!info) return 'does not exist';
  if (!info.isFile()) return 'is not a file';
  if (info.size > SECRET_FILE_MAX_BYTES) return `is ${info.size} bytes, over the ${SECRET_FILE_MAX_BYTES} an SSM SecureString holds`;
  const bytes = await readFile(path);
  if (!isUtf8(bytes)) return 'is not text (UTF-8), which an SSM SecureString cannot hold byte for byte';
  return undefined;
}

function isUtf8(bytes: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}
