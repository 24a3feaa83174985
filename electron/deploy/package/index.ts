/**
 * Packaging a build context: the files Docker would send (ignore rules applied, the Dockerfile
 * always in), as a deterministic tar.gz on disk whose sha256 is the build-context digest.
 */
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, posix, relative, resolve, sep } from 'node:path';
import { raise } from '../../../shared/result';
import { writeArchive } from './archive';
import { loadIgnoreRules } from './ignore';
import { EntryQueue } from './queue';
import { largestFolders, listContext, type ContextEntry, type ContextListing } from './walk';

/** Default limit on the files a context may hold (before compression). */
export const DEFAULT_MAX_CONTEXT_BYTES = 500 * 1024 * 1024;
/** Where a Dockerfile that lives outside its context is stored inside the archive. */
export const OUTSIDE_DOCKERFILE_PATH = '.berth/Dockerfile';

export interface PackageProgress {
  files: number;
  totalFiles: number;
  bytes: number;
  totalBytes: number;
}

export interface PackageOptions {
  /** Folder the archive is written to (default: a new temporary folder). */
  outDir?: string;
  /** Largest total file size accepted (default 500 MiB). */
  maxBytes?: number;
  /** gzip level (default 6). */
  level?: number;
  signal?: AbortSignal;
  onProgress?: (progress: PackageProgress) => void;
}

export interface PackagedContext {
  /** Absolute path of the context folder. */
  context: string;
  /** Dockerfile path inside the archive (what the builder is told). */
  dockerfile: string;
  /** The archive on disk, named `<digest>.tar.gz`. */
  archivePath: string;
  /** sha256 (hex) of the archive bytes: the build-context digest. */
  digest: string;
  archiveBytes: number;
  files: number;
  contentBytes: number;
  /** The ignore file used, relative to the context. */
  ignoreFile?: string;
  warnings: string[];
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 * 1024) return `${(bytes / 1024 / 1024 / 1024).toFixed(1)} GB`;
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${bytes} B`;
}

/** Packages one build context (`dockerfile` relative to `context`, as in compose). */
export async function packageContext(build: { context: string; dockerfile: string; builder?: 'dockerfile' | 'railpack' }, options: PackageOptions = {}): Promise<PackagedContext> {
  const context = resolve(build.context);
  const contextStat = await stat(context).catch(() => undefined);
  if (!contextStat?.isDirectory()) raise('PACKAGE_FAILED', `The build context ${context} is not a folder. Fix \`build.context\` in the compose file.`, { context });
  // Railpack reads the context itself (no Dockerfile to carry), with the context's own .dockerignore.
  if (build.builder === 'railpack') return packageFolder(context, build.dockerfile, await loadIgnoreRules(context, ''), undefined, [], options);

  const dockerfileAbs = resolve(context, build.dockerfile);
  const dockerfileRel = relative(context, dockerfileAbs).split(sep).join('/');
  const dockerfileInside = dockerfileRel !== '' && !dockerfileRel.startsWith('../') && dockerfileRel !== '..' && !posix.isAbsolute(dockerfileRel);
  const dockerfileStat = await stat(dockerfileAbs).catch(() => undefined);
  if (!dockerfileStat?.isFile()) {
    raise('PACKAGE_FAILED', `The Dockerfile ${dockerfileAbs} does not exist. Fix \`build.dockerfile\` in the compose file or add the file.`, { dockerfile: dockerfileAbs });
  }

  const rules = await loadIgnoreRules(context, dockerfileInside ? dockerfileRel : build.dockerfile.split(sep).join('/'));
  const extra = dockerfileInside ? undefined : { path: OUTSIDE_DOCKERFILE_PATH, content: await readFile(dockerfileAbs) };
  return packageFolder(context, dockerfileInside ? dockerfileRel : OUTSIDE_DOCKERFILE_PATH, rules, extra, dockerfileInside ? [dockerfileRel] : [], options);
}

/** Walks the context and writes its archive, stopping at the size limit. */
async function packageFolder(
  context: string,
  dockerfile: string,
  rules: Awaited<ReturnType<typeof loadIgnoreRules>>,
  extra: { path: string; content: Buffer } | undefined,
  forceInclude: string[],
  options: PackageOptions,
): Promise<PackagedContext> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_CONTEXT_BYTES;
  const outDir = options.outDir ?? (await mkdtemp(join(tmpdir(), 'berth-package-')));

  // The archive is written while the walk goes on (it would otherwise sit idle for the walk's
  // duration); going over the limit stops the writer, and the walk finishes for the report.
  const queue = new EntryQueue<ContextEntry>();
  let overLimit = false;
  // Totals grow while the walk runs ahead of the writer; they are final once it ends.
  let walkedSoFar: ContextListing | undefined;
  const tooLarge = new Error('over the size limit');
  const walking = listContext(context, {
    rules,
    forceInclude,
    signal: options.signal,
    onEntry: (entry, sofar) => {
      walkedSoFar = sofar;
      if (overLimit) return;
      if (sofar.bytes > maxBytes) {
        overLimit = true;
        queue.fail(tooLarge);
        return;
      }
      queue.push(entry);
    },
  });
  walking.then(() => queue.end(), (error: unknown) => queue.fail(error));
  const writing = writeArchive(queue, outDir, {
    extra,
    level: options.level,
    signal: options.signal,
    onProgress: options.onProgress ? (p) => options.onProgress!({ ...p, totalFiles: Math.max(walkedSoFar?.files ?? 0, p.files), totalBytes: Math.max(walkedSoFar?.bytes ?? 0, p.bytes) }) : undefined,
  });
  const [walked, written] = await Promise.allSettled([walking, writing]);
  if (walked.status === 'rejected') {
    if (written.status === 'fulfilled') await rm(written.value.path, { force: true });
    throw walked.reason;
  }
  const listing = walked.value;
  if (overLimit) {
    if (written.status === 'fulfilled') await rm(written.value.path, { force: true });
    const biggest = largestFolders(listing);
    const names = biggest.map((f) => `${f.path} (${formatBytes(f.bytes)})`).join(', ');
    raise(
      'PACKAGE_TOO_LARGE',
      `The build context ${context} holds ${formatBytes(listing.bytes)}, over the ${formatBytes(maxBytes)} limit.` +
        (names ? ` Largest folders: ${names}.` : '') +
        ` Add what the image does not need to ${rules.source ?? '.dockerignore'}.`,
      { context, bytes: listing.bytes, limit: maxBytes, largestFolders: biggest },
    );
  }
  if (written.status === 'rejected') throw written.reason;
  const archive = written.value;
  options.onProgress?.({ files: listing.files, totalFiles: listing.files, bytes: listing.bytes, totalBytes: listing.bytes });
  return {
    context,
    dockerfile,
    archivePath: archive.path,
    digest: archive.digest,
    archiveBytes: archive.bytes,
    files: listing.files,
    contentBytes: listing.bytes,
    ignoreFile: rules.source,
    warnings: listing.warnings,
  };
}
