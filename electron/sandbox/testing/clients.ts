/** Real AWS SDK v3 clients pointed at a sandbox, for tests (one attempt each, so errors surface at once). */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { buildClients, destroyClients, type AwsClients } from '../../aws/clients';
import { sandboxClientConfig, startSandbox, type Sandbox, type SandboxOptions } from '../index';

export type SandboxClients = AwsClients & { destroy(): void };

/** Builds every client the sandbox speaks, configured for it (the same set the app builds). */
export function sandboxClients(sandbox: Sandbox, maxAttempts = 1): SandboxClients {
  const clients = buildClients(sandboxClientConfig(sandbox, maxAttempts), true);
  return { ...clients, destroy: () => destroyClients(clients) };
}

/** A sandbox with its own data folder and clients for one test suite, closed after it. */
export function sandboxForSuite(prefix: string, options: Omit<SandboxOptions, 'dataDir'> = {}): { sb: Sandbox; c: SandboxClients } {
  const suite = {} as { sb: Sandbox; c: SandboxClients; dir: string };
  beforeAll(async () => {
    suite.dir = await mkdtemp(join(tmpdir(), prefix));
    suite.sb = await startSandbox({ ...options, dataDir: suite.dir });
    suite.c = sandboxClients(suite.sb);
  });
  afterAll(async () => {
    suite.c?.destroy();
    await suite.sb?.close();
    if (suite.dir) await rm(suite.dir, { recursive: true, force: true });
  });
  return suite;
}
