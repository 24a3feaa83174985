/**
 * Where Berth's Bedrock gateway (this folder: Dockerfile, server.ts, its lockfile) is on disk,
 * so a model service can be built from it like any compose build context: beside this file in
 * the sources, two levels up from the bundles in dist/, or in the packaged app's resources.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The gateway's build context folder; throws when the installation lacks it. */
export function gatewayContextDir(): string {
  const resources = (process as { resourcesPath?: string }).resourcesPath;
  // ESM bundles (the repo's scripts) have no __dirname: they run from the repository root.
  const here = typeof __dirname === 'string' ? [__dirname, resolve(__dirname, '..', '..', 'electron', 'gateway')] : [];
  const candidates = [...here, ...(resources ? [join(resources, 'gateway')] : []), resolve(process.cwd(), 'electron', 'gateway')];
  const found = candidates.find((dir) => existsSync(join(dir, 'Dockerfile')) && existsSync(join(dir, 'server.ts')));
  if (!found) throw new Error(`Berth's model gateway is missing from this installation (looked in ${candidates.join(', ')}); reinstall Berth.`);
  return found;
}
