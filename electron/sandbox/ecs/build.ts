/**
 * The sandbox's image build: a task running the Kaniko executor reads its context archive from
 * the sandbox S3, checks it like a real build (archive present and readable, Dockerfile found,
 * instructions valid, COPY sources present), writes each instruction as a step to the task's log,
 * and records the image, with a digest over the context and Dockerfile, in the sandbox ECR.
 */
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { extract } from 'tar-stream';
import { SandboxError } from '../errors';
import type { SandboxCore } from '../core';
import { SANDBOX_LOG_PREFIX } from '../identity';
import { getObjectBody } from '../s3/buckets';
import { putImage } from '../ecr';
import type { EcsTask } from '../state';
import { contextSources, DockerfileError, expandWord, type Instruction, parseDockerfile, stageNames, withVariables } from './dockerfile';

export interface KanikoArgs {
  context?: string;
  dockerfile: string;
  destinations: string[];
  target?: string;
  buildArgs: Map<string, string>;
  noPush: boolean;
}

/** Reads Kaniko's flags (`--flag=value` and `--flag value`). */
export function parseKanikoArgs(args: string[]): KanikoArgs {
  const out: KanikoArgs = { dockerfile: 'Dockerfile', destinations: [], buildArgs: new Map(), noPush: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const eq = arg.indexOf('=');
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const value = () => (eq > 0 ? arg.slice(eq + 1) : args[++i]);
    switch (flag) {
      case '--context':
      case '-c':
        out.context = value();
        break;
      case '--dockerfile':
      case '-f':
        out.dockerfile = value() ?? 'Dockerfile';
        break;
      case '--destination':
      case '-d':
        out.destinations.push(value() ?? '');
        break;
      case '--target':
        out.target = value();
        break;
      case '--build-arg': {
        const pair = value() ?? '';
        const at = pair.indexOf('=');
        if (at > 0) out.buildArgs.set(pair.slice(0, at), pair.slice(at + 1));
        break;
      }
      case '--no-push':
        out.noPush = true;
        break;
    }
  }
  return out;
}

/** A build failure: the line Kaniko would print and the exit code. */
class BuildFailure extends Error {}

async function readContext(archive: Buffer): Promise<Map<string, Buffer | null>> {
  let tar: Buffer;
  try {
    tar = gunzipSync(archive);
  } catch (error) {
    throw new BuildFailure(`error resolving source context: unable to unpack the build context: gzip: ${(error as Error).message}`);
  }
  const files = new Map<string, Buffer | null>();
  const ex = extract();
  const done = new Promise<void>((resolve, reject) => {
    ex.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: unknown) => chunks.push(c as Buffer));
      stream.on('end', () => {
        const name = header.name.replace(/^\.\//, '').replace(/\/$/, '');
        files.set(name, header.type === 'file' ? Buffer.concat(chunks) : null);
        next();
      });
      stream.resume();
    });
    ex.on('finish', resolve);
    ex.on('error', reject);
  });
  ex.end(tar);
  try {
    await done;
  } catch (error) {
    throw new BuildFailure(`error resolving source context: unable to unpack the build context: archive/tar: ${(error as Error).message}`);
  }
  return files;
}

/** Whether a COPY source is in the context: 'yes', 'no', or 'none-matched' for a wildcard that matches nothing. */
function inContext(files: Map<string, Buffer | null>, source: string): 'yes' | 'no' | 'none-matched' {
  const path = source.replace(/^\.?\//, '').replace(/\/$/, '');
  if (path === '' || path === '.') return 'yes';
  if (/[*?[]/.test(path)) {
    const re = new RegExp(`^${path.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}$`);
    return [...files.keys()].some((f) => re.test(f)) ? 'yes' : 'none-matched';
  }
  return files.has(path) || [...files.keys()].some((f) => f.startsWith(`${path}/`)) ? 'yes' : 'no';
}

/** Splits `host/repo:tag` or `host/repo@sha256:...`. */
export function parseImageReference(ref: string): { host: string; repository: string; tag?: string; digest?: string } {
  const slash = ref.indexOf('/');
  const host = slash > 0 && /[.:]|localhost/.test(ref.slice(0, slash)) ? ref.slice(0, slash) : 'docker.io';
  let rest = host === 'docker.io' && !ref.startsWith('docker.io/') ? ref : ref.slice(slash + 1);
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at > 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const colon = rest.lastIndexOf(':');
  const tag = colon > rest.lastIndexOf('/') && colon > 0 ? rest.slice(colon + 1) : undefined;
  return { host, repository: tag ? rest.slice(0, colon) : rest, tag: digest ? tag : (tag ?? 'latest'), digest };
}

/** True for an ECR registry host of the given account (the AWS form or the sandbox's own). */
export function isAccountRegistry(host: string, account: string): boolean {
  return host.startsWith(`${account}.dkr.ecr.`);
}

/** Runs the build of a task; returns its exit code. Every line goes to `log`. */
export async function runBuild(core: SandboxCore, task: EcsTask, args: string[], log: (lines: string[]) => void, pause: () => Promise<void>): Promise<number> {
  const k = parseKanikoArgs(args);
  const say = (line: string) => log([`${SANDBOX_LOG_PREFIX} ${line}`]);
  say(`Image build in the Berth sandbox (simulated Kaniko executor, task ${task.id}). No container runs here: the sandbox checks the context and the Dockerfile and records the image.`);
  try {
    if (!k.context) throw new BuildFailure('error resolving source context: a build context is required: use --context');
    const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(k.context);
    if (!m) throw new BuildFailure(`error resolving source context: the Berth sandbox reads contexts only from its own S3 (s3://bucket/key), not ${k.context}`);
    say(`Retrieving build context from ${k.context}`);
    let archive: Buffer;
    try {
      archive = getObjectBody(core, m[1]!, m[2]!);
    } catch (error) {
      if (error instanceof SandboxError) throw new BuildFailure(`error resolving source context: failed to get the build context from ${k.context}: ${error.code}: ${error.message}`);
      throw error;
    }
    await pause();
    const files = await readContext(archive);
    say(`Unpacked build context: ${[...files.values()].filter((f) => f !== null).length} files`);
    const dockerfilePath = k.dockerfile.replace(/^\.?\//, '');
    const dockerfile = files.get(dockerfilePath);
    if (!dockerfile) throw new BuildFailure(`error resolving dockerfile path: please provide a valid path to a Dockerfile within the build context with --dockerfile (${k.dockerfile} is not in the context)`);
    let instructions;
    try {
      instructions = parseDockerfile(dockerfile.toString('utf8'));
    } catch (error) {
      if (error instanceof DockerfileError) throw new BuildFailure(error.message);
      throw error;
    }
    if (k.target && !stageNames(instructions).includes(k.target)) throw new BuildFailure(`failed to reach build target ${k.target} in Dockerfile`);
    const total = instructions.length;
    // Sources are checked after ARG/ENV expansion, as the builder reads them (`config/${MIX_ENV}.exs`).
    const steps: { ins: Instruction; sources: string[] }[] = [];
    withVariables(instructions, k.buildArgs, (ins, vars) => steps.push({ ins, sources: contextSources(ins).map((s) => expandWord(s, vars)) }));
    for (const [i, { ins, sources }] of steps.entries()) {
      say(`STEP ${i + 1}/${total}: ${ins.text}`);
      for (const source of sources) {
        const found = inContext(files, source);
        // A wildcard that matches nothing is a warning, not a failure (Kaniko since 1.23, as Docker).
        if (found === 'none-matched') say(`warning: no files found matching ${source}: skipping it`);
        if (found === 'no') throw new BuildFailure(`error building image: error building stage: failed to get files used from context: failed to get fileinfo for /kaniko/buildcontext/${source}: lstat /kaniko/buildcontext/${source}: no such file or directory`);
      }
      await pause();
    }
    const contextDigest = createHash('sha256').update(archive).digest('hex');
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: `sha256:${createHash('sha256').update(dockerfile).update(k.target ?? '').digest('hex')}`, size: dockerfile.length },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: `sha256:${contextDigest}`, size: archive.length }],
      annotations: { 'org.opencontainers.image.description': 'Recorded by the Berth sandbox: a simulated build, not a runnable image.' },
    });
    if (k.noPush) {
      say('Skipping push (--no-push)');
      return 0;
    }
    if (k.destinations.length === 0) throw new BuildFailure('you must provide --destination, or use --no-push');
    for (const destination of k.destinations) {
      const ref = parseImageReference(destination);
      if (!isAccountRegistry(ref.host, core.account)) throw new BuildFailure(`error pushing image: failed to push to destination ${destination}: the Berth sandbox can push only to its own registry (${core.account}.dkr.ecr.${core.region}...)`);
      say(`Pushing image to ${destination}`);
      let digest: string;
      try {
        digest = putImage(core, ref.repository, manifest, ref.tag, archive.length).digest;
      } catch (error) {
        if (error instanceof SandboxError) {
          const code = error.code === 'RepositoryNotFoundException' ? 'NAME_UNKNOWN' : error.code === 'ImageTagAlreadyExistsException' ? 'TAG_INVALID' : error.code;
          throw new BuildFailure(`error pushing image: failed to push to destination ${destination}: ${code}: ${error.message}`);
        }
        throw error;
      }
      await pause();
      say(`Pushed ${ref.host}/${ref.repository}@${digest}`);
    }
    return 0;
  } catch (error) {
    if (!(error instanceof BuildFailure)) throw error;
    say(`error: ${error.message}`);
    return 1;
  }
}
