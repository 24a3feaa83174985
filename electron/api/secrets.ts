/** secrets:* — project config in SSM: list (names only), set, generate, delete, reveal, imports. */
import type { ConfigEntry } from '../../shared/domain/secrets';
import { connectionManager } from '../aws/connection';
import { projectConfigNeeds, type ProjectConfigNeeds } from '../secrets/project';
import { deleteConfig, generateConfig, importDefang, importEnvFile, listConfig, listSecretFiles, revealConfig, setConfig, type StoredConfig } from '../secrets/store';
import type { AppContext } from './context';
import type { HandlersFor } from './handler-types';

async function target(ctx: AppContext, dir: string) {
  const ssm = connectionManager(ctx).require().clients.ssm;
  const project = await projectConfigNeeds(dir);
  return { ssm, project };
}

/** The entry the UI shows after a write (never the value). */
function entryFor(project: ProjectConfigNeeds, stored: StoredConfig): ConfigEntry {
  const required = project.requiredConfig.find((r) => r.name === stored.name);
  return { name: stored.name, isSet: true, required: required !== undefined, usedBy: required?.usedBy ?? [], ...(stored.lastModified ? { lastModified: stored.lastModified } : {}) };
}

export const secretsHandlers = {
  'secrets:list': async ({ dir }, ctx) => {
    const { ssm, project } = await target(ctx, dir);
    const [listing, secretFiles] = await Promise.all([listConfig(ssm, project.name, project.requiredConfig), listSecretFiles(ssm, project)]);
    return secretFiles.length > 0 ? { ...listing, secretFiles } : listing;
  },
  'secrets:set': async ({ dir, name, value }, ctx) => {
    const { ssm, project } = await target(ctx, dir);
    return entryFor(project, await setConfig(ssm, project.name, name, value, project.services));
  },
  'secrets:generate': async ({ dir, name, length }, ctx) => {
    const { ssm, project } = await target(ctx, dir);
    return entryFor(project, await generateConfig(ssm, project.name, name, length, project.services));
  },
  'secrets:delete': async ({ dir, names }, ctx) => {
    const { ssm, project } = await target(ctx, dir);
    await deleteConfig(ssm, project.name, names);
    return null;
  },
  'secrets:reveal': async ({ dir, name }, ctx) => {
    const { ssm, project } = await target(ctx, dir);
    return { name, value: await revealConfig(ssm, project.name, name) };
  },
  'secrets:importEnv': async ({ dir, file, names }, ctx) => {
    const { ssm, project } = await target(ctx, dir);
    return importEnvFile(ssm, project.name, project.dir, file, names, project.services);
  },
  'secrets:importDefang': async ({ dir, stack, names }, ctx) => {
    const { ssm, project } = await target(ctx, dir);
    return importDefang(ssm, project.name, stack, names, project.services);
  },
} satisfies HandlersFor<'secrets'>;
