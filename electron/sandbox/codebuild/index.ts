/** CodeBuild over JSON 1.1 (`CodeBuild_20161006`): StartBuild, BatchGetBuilds, StopBuild, ListBuildsForProject, BatchGetProjects, ListProjects. */
import { fail } from '../errors';
import type { SandboxCore } from '../core';
import type { SandboxRequest, SandboxResponse } from '../http';
import { Fields } from '../protocol/input';
import { dispatchJson, type JsonOperation } from '../protocol/json-service';
import { buildView, startBuild, stopBuild } from './builds';
import { findProject, projectArn, projectView } from './projects';

export { resumeCodeBuild } from './builds';

/** At most 100 ids or names per batch call, as CodeBuild allows. */
function batch(f: Fields, key: string): string[] {
  const list = f.strList(key);
  if (!list || list.length === 0) fail('InvalidInputException', `1 validation error detected: Value null at '${key}' failed to satisfy constraint: Member must not be null`);
  if (list.length > 100) fail('InvalidInputException', `1 validation error detected: Value '[${list.join(', ')}]' at '${key}' failed to satisfy constraint: Member must have length less than or equal to 100`);
  return list;
}

function page<T>(items: T[], token: string | undefined): { items: T[]; nextToken?: string } {
  const start = token ? Number(Buffer.from(token, 'base64').toString('utf8')) : 0;
  if (!Number.isInteger(start) || start < 0) fail('InvalidInputException', 'Invalid next token');
  const end = start + 100;
  return { items: items.slice(start, end), ...(end < items.length ? { nextToken: Buffer.from(String(end)).toString('base64') } : {}) };
}

const ops: Record<string, JsonOperation> = {
  StartBuild(input, core) {
    return { build: buildView(core, startBuild(core, input)) };
  },
  BatchGetBuilds(input, core) {
    const ids = batch(new Fields(input, 'InvalidInputException'), 'ids');
    const found = ids.map((id) => core.state.codebuild.builds.get(id.includes(':build/') ? id.slice(id.indexOf(':build/') + 7) : id));
    return {
      builds: found.filter((b) => b !== undefined).map((b) => buildView(core, b)),
      buildsNotFound: ids.filter((_, i) => found[i] === undefined),
    };
  },
  StopBuild(input, core) {
    const id = new Fields(input, 'InvalidInputException').str('id');
    return { build: buildView(core, stopBuild(core, id)) };
  },
  ListBuildsForProject(input, core) {
    const f = new Fields(input, 'InvalidInputException');
    const name = f.str('projectName');
    if (!findProject(core, name)) fail('ResourceNotFoundException', `Project cannot be found: ${projectArn(core, name)}`);
    const order = f.optStr('sortOrder') ?? 'DESCENDING';
    const ids = [...core.state.codebuild.builds.values()]
      .filter((b) => b.projectName === name)
      .sort((a, b) => (order === 'ASCENDING' ? a.buildNumber - b.buildNumber : b.buildNumber - a.buildNumber))
      .map((b) => b.id);
    const out = page(ids, f.optStr('nextToken'));
    return { ids: out.items, ...(out.nextToken ? { nextToken: out.nextToken } : {}) };
  },
  BatchGetProjects(input, core) {
    const names = batch(new Fields(input, 'InvalidInputException'), 'names');
    const found = names.map((n) => findProject(core, n));
    return { projects: found.filter((p) => p !== undefined).map(projectView), projectsNotFound: names.filter((_, i) => found[i] === undefined) };
  },
  ListProjects(input, core) {
    const f = new Fields(input, 'InvalidInputException');
    const out = page([...core.state.codebuild.projects.keys()].sort(), f.optStr('nextToken'));
    return { projects: out.items, ...(out.nextToken ? { nextToken: out.nextToken } : {}) };
  },
};

export function handleCodeBuild(req: SandboxRequest, core: SandboxCore): Promise<SandboxResponse> {
  return dispatchJson(req, core, ops, 'CodeBuild');
}
