/**
 * The app's own sandbox: one per app context, under `<dataDir>/sandbox`, started on request,
 * stopped when the app quits. The `sandbox:*` handlers and the CLI share it.
 */
import { join } from 'node:path';
import type { SandboxStatus } from '../../shared/domain/app';
import { deleteState, stateFile } from './state';
import { startSandbox, type Sandbox } from './index';
import type { Speed } from './timing';

export interface AppSandboxHost {
  readonly dataDir: string;
  service<T>(key: string, create: () => T): T;
  onDispose(cleanup: () => void | Promise<void>): void;
  emit(event: 'sandbox:status', payload: SandboxStatus): void;
}

interface Holder {
  sandbox?: Sandbox;
  pending?: Promise<Sandbox>;
  speed: Speed;
}

/** Where the app keeps its sandbox's state. */
export function appSandboxDir(dataDir: string): string {
  return join(dataDir, 'sandbox');
}

function holder(host: AppSandboxHost): Holder {
  return host.service('sandbox.app', () => {
    const h: Holder = { speed: 'instant' };
    host.onDispose(async () => {
      const running = h.sandbox ?? (await h.pending?.catch(() => undefined));
      h.sandbox = undefined;
      await running?.close();
    });
    return h;
  });
}

/** What the sandbox is doing now. */
export function appSandboxStatus(host: AppSandboxHost): SandboxStatus {
  const h = holder(host);
  return { running: h.sandbox !== undefined, ...(h.sandbox ? { endpoint: h.sandbox.endpoint } : {}), dataFile: stateFile(appSandboxDir(host.dataDir)), speed: h.sandbox?.speed ?? h.speed };
}

/** Starts the sandbox if it is not running (a different speed restarts it; state is kept). */
export async function startAppSandbox(host: AppSandboxHost, speed?: Speed): Promise<SandboxStatus> {
  const h = holder(host);
  if (h.pending) await h.pending.catch(() => undefined);
  if (h.sandbox && speed && h.sandbox.speed !== speed) await stopAppSandbox(host);
  if (!h.sandbox) {
    h.speed = speed ?? h.speed;
    h.pending = startSandbox({ dataDir: appSandboxDir(host.dataDir), speed: h.speed, speedFactor: 1 });
    try {
      h.sandbox = await h.pending;
    } finally {
      h.pending = undefined;
    }
    host.emit('sandbox:status', appSandboxStatus(host));
  }
  return appSandboxStatus(host);
}

/** Stops the sandbox; its state stays on disk. */
export async function stopAppSandbox(host: AppSandboxHost): Promise<SandboxStatus> {
  const h = holder(host);
  if (h.pending) await h.pending.catch(() => undefined);
  const running = h.sandbox;
  h.sandbox = undefined;
  if (running) {
    await running.close();
    host.emit('sandbox:status', appSandboxStatus(host));
  }
  return appSandboxStatus(host);
}

/** Erases the sandbox's state, running or not. */
export async function resetAppSandbox(host: AppSandboxHost): Promise<SandboxStatus> {
  const h = holder(host);
  if (h.pending) await h.pending.catch(() => undefined);
  if (h.sandbox) await h.sandbox.reset();
  else await deleteState(appSandboxDir(host.dataDir));
  const status = appSandboxStatus(host);
  host.emit('sandbox:status', status);
  return status;
}
