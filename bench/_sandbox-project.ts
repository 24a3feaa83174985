// Shared by the deploy benchmarks: a sandbox, a context connected to it that counts every AWS call,
// and a corpus sample copied whole into a temp folder with its config set.
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createContext, type AppContext } from '../electron/api/context';
import { connectionManager } from '../electron/aws/connection';
import { loadProject } from '../electron/compose/load';
import { startSandbox, type Sandbox } from '../electron/sandbox/index';
import type { ProjectModel } from '../shared/domain/project';
import { setConfig } from '../electron/secrets/store';
import { ensureCorpus } from '../tests/corpus/locate';

export interface BenchProject {
  sandbox: Sandbox;
  ctx: AppContext;
  dir: string;
  project: ProjectModel;
  /** Every AWS call so far, as `service:Command`. */
  calls: string[];
  close: () => Promise<void>;
}

export async function benchProject(sample: string, name: string): Promise<BenchProject> {
  const sandbox = await startSandbox();
  const dataDir = await mkdtemp(join(tmpdir(), `berth-bench-${name}-`));
  const dir = join(await mkdtemp(join(tmpdir(), 'berth-bench-project-')), sample);
  await cp(join(await ensureCorpus(), sample), dir, { recursive: true });
  const ctx = createContext({ shell: 'cli', version: '0.0.0-bench', dataDir });
  await connectionManager(ctx).connect({ region: 'us-east-1', endpoint: sandbox.endpoint, sandbox: true });
  const conn = connectionManager(ctx).require();
  const calls: string[] = [];
  for (const [service, client] of Object.entries(conn.clients)) {
    (client as unknown as { middlewareStack: { add: (m: unknown, o: unknown) => void } }).middlewareStack.add(
      (next: (a: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: unknown) => {
        calls.push(`${service}:${context.commandName}`);
        return next(args);
      },
      { step: 'initialize', name: 'countCalls' },
    );
  }
  const project = (await loadProject(dir)).project!;
  for (const r of project.requiredConfig) await setConfig(conn.clients.ssm, project.name, r.name, `bench-${r.name}`);
  return {
    sandbox,
    ctx,
    dir,
    project,
    calls,
    close: async () => {
      await ctx.dispose();
      await sandbox.close();
      await rm(dataDir, { recursive: true, force: true });
      await rm(dir, { recursive: true, force: true });
    },
  };
}
