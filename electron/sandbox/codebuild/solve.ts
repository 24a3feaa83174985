/**
 * What `docker buildx build --progress=plain` does in the sandbox: BuildKit's Dockerfile
 * frontend reads the Dockerfile (parse errors and unknown flags refused in BuildKit's words),
 * resolves the stages the target needs, checks every context read (COPY/ADD sources, bind
 * mounts) and every required secret, and records the image in the sandbox ECR with a registry
 * layer cache. No container runs: a RUN step is recorded, not executed (`RUN exit N` and `RUN
 * false` fail as a shell would, so a failing step can be tested).
 */
import { createHash } from 'node:crypto';
import type { SandboxCore } from '../core';
import { SandboxError } from '../errors';
import { findImage, putImage } from '../ecr';
import { applyIgnore, ignoreFileFor, inContext, type ContextFiles } from './context';
import { isAccountRegistry, parseImageReference, qualifiedName } from './images';
import { parseDockerfileAst } from './dockerfile/parser';
import { DockerfileError, parseMount, readDockerfile, secretId, type Dockerfile, type Instruction, type Stage } from './dockerfile/instructions';
import { expandWord, withVariables } from './dockerfile/variables';
import { Progress, SolveFailure, sourceExcerpt, stepReport, type Vertex } from './buildkit/progress';

export interface SolveRequest {
  files: ContextFiles;
  /** Dockerfile path inside the context, or the plan Railpack wrote (with its frontend). */
  dockerfile: { path: string; text: string };
  buildArgs: Map<string, string>;
  target?: string;
  platform: string;
  /** Where the image is pushed (`<registry>/<repo>:<tag>`). */
  image: string;
  /** Registry cache ref (`--cache-from`/`--cache-to type=registry,ref=...`). */
  cache?: string;
  /** Secret ids BuildKit was given (`--secret id=...`). */
  secrets: Set<string>;
}

/** Pauses between steps (realistic timing), or resolves at once. */
export type Pause = () => Promise<void>;

const hash = (...parts: (string | Buffer)[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('hex');
};

const size = (n: number) => (n < 1024 ? `${n}B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(2)}kB` : `${(n / 1024 / 1024).toFixed(2)}MB`);

/** Stage names as BuildKit labels vertices: the given name, else `stage-<index>`. */
const stageLabel = (stage: Stage) => stage.name ?? `stage-${stage.index}`;

function findStage(df: Dockerfile, ref: string): Stage | undefined {
  const lower = ref.toLowerCase();
  return df.stages.find((s) => s.name === lower) ?? (/^\d+$/.test(ref) ? df.stages[Number(ref)] : undefined);
}

/** The stages the target needs, in order: its base chain and every `--from` it copies or mounts from. */
function neededStages(df: Dockerfile, target: Stage, vars: Map<Instruction, ReadonlyMap<string, string>>): Stage[] {
  const needed = new Set<Stage>();
  const visit = (stage: Stage) => {
    if (needed.has(stage)) return;
    needed.add(stage);
    const base = findStage(df, expandWord(stage.base, vars.get(stage.from) ?? new Map()));
    if (base && base.index < stage.index) visit(base);
    for (const ins of stage.commands) {
      const froms = [ins.flags.get('from') as string | undefined];
      for (const m of (ins.flags.get('mount') as string[] | undefined) ?? []) froms.push(/(?:^|,)from=([^,]+)/.exec(m)?.[1]);
      for (const from of froms) {
        const dep = from ? findStage(df, from) : undefined;
        if (dep && dep.index < stage.index) visit(dep);
      }
    }
  };
  visit(target);
  return df.stages.filter((s) => needed.has(s));
}

/** Checks a base image as BuildKit resolves it: the reference must parse, and an image of this account must exist. */
function resolveBase(core: SandboxCore, ref: string): string {
  if (ref.toLowerCase() === 'scratch') return 'scratch';
  const name = ref.split('@')[0]!.split(':')[0]!;
  if (/[A-Z]/.test(name)) throw new SolveFailure(`failed to parse stage name "${ref}": invalid reference format: repository name (${qualifiedName(ref).replace(/^docker\.io\//, '').split(/[:@]/)[0]}) must be lowercase`);
  if (!/^[a-z0-9]+(?:[._:/@-][a-zA-Z0-9]+)*(?:[:@][\w.:-]+)?$/.test(ref)) throw new SolveFailure(`failed to parse stage name "${ref}": invalid reference format`);
  const parsed = parseImageReference(ref);
  if (isAccountRegistry(parsed.host, core.account)) {
    const repo = core.state.ecr.repositories.get(parsed.repository);
    if (!repo || !findImage(repo, { imageTag: parsed.tag, imageDigest: parsed.digest })) {
      throw new SolveFailure(`${ref}: failed to resolve source metadata for ${ref}: ${ref}: not found`);
    }
  }
  return qualifiedName(ref);
}

/** The files a COPY/ADD or bind mount reads, hashed for the layer cache key. */
function contentKey(files: ContextFiles, sources: string[]): string {
  const h = createHash('sha256');
  for (const source of sources) {
    const path = source.replace(/^(\.\/|\/)+/, '').replace(/\/+$/, '');
    for (const [name, body] of files) {
      if (path === '' || path === '.' || name === path || name.startsWith(`${path}/`)) h.update(name).update(body ?? 'dir');
    }
  }
  return h.digest('hex');
}

/** `RUN exit 3` / `RUN false`: the exit code a shell would return, else undefined (the step is recorded as run). */
function scriptedExit(ins: Instruction): number | undefined {
  const script = (ins.node.json ? ins.node.json.join(' ') : ins.args).trim();
  const m = /^(?:exit\s+(\d+)|(false))\s*;?$/.exec(script);
  if (!m) return undefined;
  return m[2] ? 1 : Number(m[1]);
}

/** The cache manifest's step keys (what `--cache-from` can reuse). */
function cachedKeys(core: SandboxCore, cache: string | undefined, progress: Progress): Set<string> {
  if (!cache) return new Set();
  const ref = parseImageReference(cache);
  const v = progress.vertex(`importing cache manifest from ${cache}`);
  const repo = core.state.ecr.repositories.get(ref.repository);
  const image = repo ? findImage(repo, { imageTag: ref.tag }) : undefined;
  if (!image) {
    v.error(`failed to configure registry cache importer: ${cache}: not found`);
    return new Set();
  }
  v.done(0.1);
  try {
    return new Set((JSON.parse(image.manifest) as { annotations?: Record<string, string> }).annotations?.['berth.sandbox.cache-keys']?.split(',') ?? []);
  } catch {
    return new Set();
  }
}

function push(core: SandboxCore, destination: string, manifest: string, bytes: number): string {
  const ref = parseImageReference(destination);
  if (!isAccountRegistry(ref.host, core.account)) throw new SolveFailure(`failed to push ${destination}: the Berth sandbox's builds can push only to its own registry (${core.account}.dkr.ecr.${core.region}.amazonaws.com)`);
  try {
    return putImage(core, ref.repository, manifest, ref.tag, bytes).digest;
  } catch (error) {
    if (error instanceof SandboxError) {
      const code = error.code === 'RepositoryNotFoundException' ? 'name unknown' : error.code === 'ImageTagAlreadyExistsException' ? 'tag invalid' : error.code;
      throw new SolveFailure(`failed to push ${destination}: ${code}: ${error.message}`);
    }
    throw error;
  }
}

/** Runs one solve; every line goes to `log`. Resolves with the pushed digest, or throws SolveFailure after writing BuildKit's report. */
export async function solve(core: SandboxCore, req: SolveRequest, log: (lines: string[]) => void, pause: Pause): Promise<string> {
  const progress = new Progress(log);
  progress.raw('#0 building with "berth" instance using docker-container driver');
  const name = req.dockerfile.path.split('/').pop()!;
  const load = progress.vertex(`[internal] load build definition from ${name}`);
  load.line(`transferring dockerfile: ${size(Buffer.byteLength(req.dockerfile.text))} done`);
  load.done(0);
  let df: Dockerfile;
  try {
    df = readDockerfile(req.dockerfile.text, parseDockerfileAst);
  } catch (error) {
    if (!(error instanceof DockerfileError)) throw error;
    throw new SolveFailure(error.message, sourceExcerpt(name, req.dockerfile.text, error.startLine, error.endLine));
  }
  const syntax = df.ast.directives.get('syntax')?.value ?? req.buildArgs.get('BUILDKIT_SYNTAX');
  if (syntax) {
    const v = progress.vertex(`resolve image config for docker-image://${qualifiedName(syntax)}`);
    v.done(0.4);
  }
  // BuildKit's automatic platform ARGs: usable in FROM as they are, and in a stage once declared.
  const [os = 'linux', arch = 'amd64'] = req.platform.split('/');
  const platformArgs = new Map([
    ['TARGETPLATFORM', req.platform],
    ['TARGETOS', os],
    ['TARGETARCH', arch],
    ['BUILDPLATFORM', req.platform],
    ['BUILDOS', os],
    ['BUILDARCH', arch],
  ]);
  const args = new Map([...platformArgs, ...req.buildArgs]);
  // Variables in scope at each instruction (global ARGs, stage ARGs with --build-arg overrides, ENV).
  const scopes = new Map<Instruction, ReadonlyMap<string, string>>();
  const all = [...df.metaArgs, ...df.stages.flatMap((s) => [s.from, ...s.commands])];
  withVariables(all, args, (ins, vars) => scopes.set(ins, new Map(vars)));
  // FROM lines expand with the ARGs declared before the first FROM (and the automatic ones) only.
  const meta = new Map(platformArgs);
  withVariables(df.metaArgs, args, (_ins, vars) => vars.forEach((v, k) => meta.set(k, v)));
  for (const stage of df.stages) scopes.set(stage.from, meta);
  const target = req.target ? findStage(df, req.target) : df.stages[df.stages.length - 1];
  if (!target) throw new SolveFailure(`target stage "${req.target}" could not be found`);
  const stages = neededStages(df, target, scopes);
  const multi = stages.length > 1;
  // Base images first (BuildKit loads their metadata in parallel).
  const bases = new Map<Stage, string>();
  for (const stage of stages) {
    const ref = expandWord(stage.base, scopes.get(stage.from) ?? new Map());
    if (findStage(df, ref)) continue;
    const excerpt = sourceExcerpt(name, req.dockerfile.text, stage.from.node.startLine, stage.from.node.endLine);
    try {
      bases.set(stage, resolveBase(core, ref));
    } catch (error) {
      if (error instanceof SolveFailure) throw new SolveFailure(error.message, excerpt);
      throw error;
    }
    if (ref !== 'scratch') progress.vertex(`[internal] load metadata for ${bases.get(stage)}`).done(0.6);
  }
  const ignoreFile = ignoreFileFor(req.files, req.dockerfile.path);
  const ignored = progress.vertex(`[internal] load ${ignoreFile ?? '.dockerignore'}`);
  ignored.line(`transferring context: ${size(ignoreFile ? (req.files.get(ignoreFile)?.length ?? 0) : 2)} done`);
  ignored.done(0);
  const files = applyIgnore(req.files, ignoreFile ? req.files.get(ignoreFile)!.toString('utf8') : undefined);
  const cached = cachedKeys(core, req.cache, progress);
  const keys: string[] = [];
  const stageKeys = new Map<Stage, string>();
  let contextLoaded = false;
  for (const stage of stages) {
    const total = stage.commands.length + 1;
    const label = (i: number) => (multi ? `[${stageLabel(stage)} ${i}/${total}]` : `[${i}/${total}]`);
    const baseStage = findStage(df, expandWord(stage.base, scopes.get(stage.from) ?? new Map()));
    let key = baseStage ? stageKeys.get(baseStage)! : hash('base', bases.get(stage) ?? 'scratch', req.platform);
    if (!baseStage && bases.get(stage) !== 'scratch') {
      const from = progress.vertex(`${label(1)} FROM ${bases.get(stage)}`);
      from.line(`resolve ${bases.get(stage)} done`);
      from.done(0);
    }
    for (const [i, ins] of stage.commands.entries()) {
      const vars = scopes.get(ins) ?? new Map<string, string>();
      const excerpt = sourceExcerpt(name, req.dockerfile.text, ins.node.startLine, ins.node.endLine);
      const step = `${label(i + 2)} ${ins.keyword} ${ins.node.original.trim().replace(/^\S+\s*/, '')}`;
      const failStep = (v: Vertex, message: string, full = message): never => {
        v.error(message);
        throw new SolveFailure(full, [...stepReport(v, []), ...excerpt]);
      };
      // What the step reads from the context: COPY/ADD sources (not --from) and bind mounts of the context.
      const reads: string[] = [];
      if ((ins.keyword === 'COPY' || ins.keyword === 'ADD') && !ins.flags.get('from')) {
        reads.push(...ins.sources.map((s) => expandWord(s, vars)).filter((s) => !/^(https?:\/\/|git@)/.test(s)));
      }
      const mounts = [];
      for (const raw of (ins.flags.get('mount') as string[] | undefined) ?? []) {
        try {
          mounts.push(parseMount(raw, (w) => expandWord(w, vars)));
        } catch (error) {
          throw new SolveFailure(`dockerfile parse error on line ${ins.line}: ${(error as Error).message}`, excerpt);
        }
      }
      for (const m of mounts) if (m.type === 'bind' && !m.from) reads.push(m.source ?? '.');
      if (reads.length > 0 && !contextLoaded) {
        const ctx = progress.vertex('[internal] load build context');
        ctx.line(`transferring context: ${size([...files.values()].reduce((n, b) => n + (b?.length ?? 0), 0))} done`);
        ctx.done(0.1);
        contextLoaded = true;
      }
      if (!['RUN', 'COPY', 'ADD', 'WORKDIR'].includes(ins.keyword)) continue;
      key = hash(key, ins.node.original, JSON.stringify([...vars].filter(([k]) => ins.node.original.includes(k))), contentKey(files, reads), ...ins.heredocs.map((h) => h.content));
      keys.push(key);
      const v = progress.vertex(step);
      for (const source of reads) {
        if (inContext(files, source) === 'no') {
          const missing = `/${source.replace(/^(\.\/|\/)+/, '')}`;
          const ref = hash('ref', key).slice(0, 26);
          failStep(v, `failed to calculate checksum of ref ${ref}::${ref.slice(0, 25)}: "${missing}": not found`, `failed to compute cache key: failed to calculate checksum of ref ${ref}::${ref.slice(0, 25)}: "${missing}": not found`);
        }
      }
      for (const m of mounts) {
        if (m.type === 'secret' && m.required && !req.secrets.has(secretId(m))) failStep(v, `secret ${secretId(m)}: not found`);
        if (m.from && !findStage(df, m.from)) {
          try {
            resolveBase(core, m.from);
          } catch (error) {
            if (error instanceof SolveFailure) failStep(v, error.message);
            throw error;
          }
        }
      }
      if (cached.has(key)) {
        v.line('CACHED');
        continue;
      }
      await pause();
      if (ins.keyword === 'RUN') {
        const code = scriptedExit(ins);
        if (code !== undefined && code !== 0) {
          const shell = ins.node.json ? JSON.stringify(ins.node.json) : `/bin/sh -c ${ins.args}`;
          failStep(v, `process "${shell}" did not complete successfully: exit code: ${code}`);
        }
      }
      v.done(0.1);
    }
    stageKeys.set(stage, key);
  }
  const finalKey = stageKeys.get(target)!;
  const config = JSON.stringify({ architecture: req.platform.split('/')[1], os: 'linux', berth: { key: finalKey } });
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: `sha256:${hash(config)}`, size: config.length },
    layers: keys.map((k) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: `sha256:${k}`, size: 0 })),
    annotations: { 'org.opencontainers.image.description': 'Recorded by the Berth sandbox: a simulated build, not a runnable image.', 'berth.sandbox.platform': req.platform },
  });
  const exporting = progress.vertex('exporting to image');
  exporting.line('exporting layers done');
  exporting.line(`exporting manifest sha256:${hash(manifest)} done`);
  exporting.line('pushing layers done');
  await pause();
  let digest: string;
  try {
    digest = push(core, req.image, manifest, [...files.values()].reduce((n, b) => n + (b?.length ?? 0), 0));
  } catch (error) {
    if (error instanceof SolveFailure) exporting.error(error.message);
    throw error;
  }
  exporting.line(`pushing manifest for ${req.image}@${digest} done`);
  exporting.done(0.8);
  if (req.cache) {
    const v = progress.vertex('exporting cache to registry');
    const cacheManifest = JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', layers: [], annotations: { 'berth.sandbox.cache-keys': [...cached, ...keys].filter((k, i, a) => a.indexOf(k) === i).join(',') } });
    try {
      push(core, req.cache, cacheManifest, 0);
    } catch (error) {
      if (error instanceof SolveFailure) {
        v.error(error.message.replace(/^failed to push/, 'error writing manifest blob to'));
        throw new SolveFailure(error.message.replace(/^failed to push/, 'error writing manifest blob to'));
      }
      throw error;
    }
    v.line(`writing cache image manifest sha256:${hash(cacheManifest)} done`);
    v.done(0.3);
  }
  return digest;
}
