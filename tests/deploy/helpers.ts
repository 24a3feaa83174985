/** Running deployments against a sandbox in tests: a context, a connection, counted AWS calls. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DeployEvent, DeploymentRecord } from '../../shared/domain/deploy';
import type { DeploymentMode } from '../../shared/domain/plan';
import { createContext, type AppContext } from '../../electron/api/context';
import { connectionManager } from '../../electron/aws/connection';
import { describeStack } from '../../electron/aws/stacks';
import { deployments } from '../../electron/deploy/deployments';
import type { PipelineTuning } from '../../electron/deploy/pipeline';
import { loadProject } from '../../electron/compose/load';
import { setConfig } from '../../electron/secrets/store';
import { afterAll, beforeAll } from 'vitest';
import type { CommandIo } from '../../electron/cli/command';
import { runCli } from '../../electron/cli/main';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../electron/sandbox';
import { VPCS_PER_REGION } from '../../electron/sandbox/quotas/catalog';

/** Fast polling: the sandbox answers at once. */
export const FAST: PipelineTuning = { wait: { initialIntervalMs: 20, maxIntervalMs: 100 }, pollMs: 20, maxPollMs: 100, retryBaseDelayMs: 10, preflight: false };

export interface TestApp {
  ctx: AppContext;
  /** AWS calls made so far, as `service:Command`. */
  calls: string[];
  events: DeployEvent[];
}

/** A context connected to the sandbox, counting every AWS call its clients make. */
export async function connectedApp(sandbox: Sandbox, dataDir?: string, tuning: PipelineTuning = FAST): Promise<TestApp> {
  const ctx = createContext({ shell: 'test', version: '0.0.0-test', dataDir: dataDir ?? (await mkdtemp(join(tmpdir(), 'berth-data-'))) });
  await connectionManager(ctx).connect({ region: 'us-east-1', endpoint: sandbox.endpoint, sandbox: true });
  const calls: string[] = [];
  for (const [service, client] of Object.entries(connectionManager(ctx).require().clients)) {
    (client as { middlewareStack: { add: (m: unknown, o: unknown) => void } }).middlewareStack.add(
      (next: (a: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: unknown) => {
        calls.push(`${service}:${context.commandName}`);
        return next(args);
      },
      { step: 'initialize', name: 'countCalls' },
    );
  }
  const events: DeployEvent[] = [];
  ctx.subscribe((name, payload) => {
    if (name === 'deploy:event') events.push(payload as DeployEvent);
  });
  deployments(ctx, tuning);
  return { ctx, calls, events };
}

/** Sets every config value the project needs to a test value. */
export async function setAllConfig(app: TestApp, dir: string): Promise<string[]> {
  const project = (await loadProject(dir)).project!;
  const conn = connectionManager(app.ctx).require();
  for (const r of project.requiredConfig) await setConfig(conn.clients.ssm, project.name, r.name, `test-${r.name.toLowerCase()}-value`);
  return project.requiredConfig.map((r) => r.name);
}

/** Deploys and waits for the end. */
export async function deploy(app: TestApp, dir: string, mode: DeploymentMode, autoApprove = true): Promise<DeploymentRecord> {
  const service = deployments(app.ctx);
  const { deploymentId } = await service.start({ dir, mode, autoApprove });
  return service.get(deploymentId)!.done;
}

/** Calls of one command since index `from`. */
export function callsOf(app: TestApp, command: string, from = 0): number {
  return app.calls.slice(from).filter((c) => c.endsWith(`:${command}`)).length;
}

/** Room for this many VPCs in the sandbox account's Region (AWS's default of 5 counts the default VPC and the bootstrap's). */
export function vpcQuota(vpcs: number): SandboxOptions {
  return { quotas: { vpc: { [VPCS_PER_REGION.quotaCode]: vpcs } } };
}

/** A sandbox and an app connected to it for one test file; both closed, and `folders` removed, after it. */
export function sandboxAppForSuite(options: SandboxOptions = {}): { sandbox: Sandbox; app: TestApp; folders: string[] } {
  const suite = { folders: [] as string[] } as { sandbox: Sandbox; app: TestApp; folders: string[] };
  beforeAll(async () => {
    suite.sandbox = await startSandbox(options);
    suite.app = await connectedApp(suite.sandbox);
  });
  afterAll(async () => {
    await suite.app?.ctx.dispose();
    await suite.sandbox?.close();
    for (const f of suite.folders) await rm(f, { recursive: true, force: true });
  });
  return suite;
}

/** Runs the `berth` command in-process with its own data folder, `stdin` as its input; returns its exit code and output. */
export async function runBerth(args: string[], dataDir: string, stdin = ''): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CommandIo = { out: (l) => out.push(l), err: (l) => err.push(l), readStdin: async () => stdin, interrupted: new Promise(() => undefined) };
  const code = await runCli(args, io, () => createContext({ shell: 'cli', version: '0.0.0-test', dataDir }));
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** The AWS clients of a test app's connection. */
export function clientsOf(app: TestApp) {
  return connectionManager(app.ctx).require().clients;
}

/** The ECS cluster the bootstrap stack made. */
export async function clusterOf(app: TestApp): Promise<string> {
  const bootstrap = await describeStack(clientsOf(app).cloudformation, 'berth-bootstrap');
  return bootstrap!.Outputs!.find((o) => o.OutputKey === 'ClusterName')!.OutputValue!;
}

/** A temp project folder for one suite (removed after it), holding `files` (path → text). */
export async function suiteProject(suite: { folders: string[] }, files: Record<string, string>, prefix = 'berth-project-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  suite.folders.push(dir);
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(dir, path, '..'), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  return dir;
}
