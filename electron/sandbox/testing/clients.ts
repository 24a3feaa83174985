/** Real AWS SDK v3 clients pointed at a sandbox, for tests (one attempt each, so errors surface at once). */
import { buildClients, destroyClients, type AwsClients } from '../../aws/clients';
import { sandboxClientConfig, type Sandbox } from '../index';

export type SandboxClients = AwsClients & { destroy(): void };

/** Builds every client the sandbox speaks, configured for it (the same set the app builds). */
export function sandboxClients(sandbox: Sandbox, maxAttempts = 1): SandboxClients {
  const clients = buildClients(sandboxClientConfig(sandbox, maxAttempts), true);
  return { ...clients, destroy: () => destroyClients(clients) };
}
