/**
 * Build settings: the context folder must exist on disk, since Berth packages it, and either hold
 * the Dockerfile or — like Defang, when `build.dockerfile` is not set and there is no Dockerfile —
 * an app Railpack recognises.
 */
import { stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { RAILPACK_PLAN_FILE, type BuildSpec, type Platform } from '../../shared/domain/project';
import { detectRailpack } from './railpack';
import type { Report } from './report';
import { get, str, type SNode } from './tree';

const REMOTE_CONTEXT = /^(https?:\/\/|git@|git:\/\/|ssh:\/\/|github\.com\/)/i;

async function kind(path: string): Promise<'dir' | 'file' | null> {
  try {
    const s = await stat(path);
    return s.isDirectory() ? 'dir' : 'file';
  } catch {
    return null;
  }
}

/**
 * Reads `build` (canonical mapping form) into a BuildSpec; reports a remote, missing or
 * non-folder context and a missing Dockerfile named by `build.dockerfile`. A context without
 * the default Dockerfile is built with Railpack, when Railpack recognises the app in it. Build
 * args without a value take the variable from `lookup`, or are left out with a warning. Build
 * secrets are read with the project's secrets (see secrets.ts).
 */
export async function serviceBuild(
  node: SNode | undefined,
  service: string,
  platform: Platform,
  lookup: (name: string) => string | undefined,
  report: Report,
): Promise<BuildSpec | undefined> {
  if (node?.kind !== 'map') return undefined;
  const contextNode = get(node, 'context');
  const contextText = str(contextNode) ?? '.';
  const at = contextNode?.at ?? node.at;
  if (REMOTE_CONTEXT.test(contextText)) {
    report.error('build-context-remote', `The build context of ${service} is a remote repository (${contextText}); Berth builds from folders on this computer.`, 'Clone the repository into the project and point `context` at the folder.', at);
    return undefined;
  }
  const context = isAbsolute(contextText) ? contextText : resolve(at.src?.baseDir ?? '.', contextText);
  const dockerfileNode = get(node, 'dockerfile');
  const dockerfile = str(dockerfileNode) ?? 'Dockerfile';
  const args: Record<string, string> = {};
  const argsNode = get(node, 'args');
  if (argsNode?.kind === 'map') {
    for (const [k, e] of argsNode.entries) {
      const v = e.value.kind === 'scalar' ? e.value.value : null;
      if (v !== null) args[k] = String(v);
      else {
        const fromEnv = lookup(k);
        if (fromEnv !== undefined) args[k] = fromEnv;
        else report.warning('build-arg-unset', `Build argument ${k} of ${service} has no value and ${k} is not set, so it is not passed.`, `Give it a value (${k}: value) or set ${k} in the project's .env.`, e.keyAt);
      }
    }
  }
  const spec: BuildSpec = { context, builder: 'dockerfile', dockerfile, args, platform };
  const target = str(get(node, 'target'));
  if (target) spec.target = target;

  const contextKind = await kind(context);
  if (contextKind === null) {
    report.error('build-context-missing', `The build context of ${service} does not exist: ${context}.`, 'Create the folder, or fix `build.context` (it is relative to the compose file).', at, context);
    return spec;
  }
  if (contextKind === 'file') {
    report.error('build-context-missing', `The build context of ${service} is a file, not a folder: ${context}.`, 'Point `build.context` at the folder that holds the Dockerfile.', at, context);
    return spec;
  }
  if (get(node, 'dockerfile_inline')) return spec;
  const dockerfilePath = isAbsolute(dockerfile) ? dockerfile : resolve(context, dockerfile);
  const rel = relative(context, dockerfilePath);
  if (rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) {
    report.error('dockerfile-outside-context', `The Dockerfile of ${service} (${dockerfilePath}) is outside its build context, so it would not be uploaded.`, 'Move the Dockerfile into the build context folder.', dockerfileNode?.at ?? at, dockerfilePath);
    return spec;
  }
  spec.dockerfile = rel.split(sep).join('/');
  const dockerfileKind = await kind(dockerfilePath);
  if (dockerfileKind === null && !dockerfileNode) {
    // No Dockerfile and none asked for: Railpack plans the build from the app's own files.
    spec.builder = 'railpack';
    spec.dockerfile = RAILPACK_PLAN_FILE;
    const detected = await detectRailpack(context, service, at, report);
    if (detected) spec.railpack = detected;
    return spec;
  }
  if (dockerfileKind !== 'file') {
    report.error('dockerfile-missing', `The Dockerfile of ${service} does not exist: ${dockerfilePath}.`, 'Create it, or set `build.dockerfile` to the right file name (relative to the context).', dockerfileNode?.at ?? at, dockerfilePath);
  }
  return spec;
}
