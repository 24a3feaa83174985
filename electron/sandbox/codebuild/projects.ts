/** CodeBuild projects: created by CloudFormation (`AWS::CodeBuild::Project`), read by BatchGetProjects, checked as CodeBuild checks them. */
import { fail } from '../errors';
import type { SandboxCore } from '../core';
import type { CodeBuildProject, CodeBuildVariable } from '../state';

const NAME = /^[A-Za-z0-9][A-Za-z0-9\-_]{1,254}$/;
const ENVIRONMENT_TYPES = ['LINUX_CONTAINER', 'LINUX_GPU_CONTAINER', 'ARM_CONTAINER', 'WINDOWS_SERVER_2019_CONTAINER', 'WINDOWS_SERVER_2022_CONTAINER', 'LINUX_LAMBDA_CONTAINER', 'ARM_LAMBDA_CONTAINER', 'MAC_ARM'];
const COMPUTE_TYPES = ['BUILD_GENERAL1_SMALL', 'BUILD_GENERAL1_MEDIUM', 'BUILD_GENERAL1_LARGE', 'BUILD_GENERAL1_XLARGE', 'BUILD_GENERAL1_2XLARGE'];
const VARIABLE_TYPES = ['PLAINTEXT', 'PARAMETER_STORE', 'SECRETS_MANAGER'];

export function projectArn(core: SandboxCore, name: string): string {
  return `arn:aws:codebuild:${core.region}:${core.account}:project/${name}`;
}

/** The project named (or ARN'd), or undefined. */
export function findProject(core: SandboxCore, nameOrArn: string): CodeBuildProject | undefined {
  const name = nameOrArn.includes(':project/') ? nameOrArn.slice(nameOrArn.indexOf(':project/') + ':project/'.length) : nameOrArn;
  return core.state.codebuild.projects.get(name);
}

function invalid(message: string): never {
  fail('InvalidInputException', message);
}

/** Checks environment variables as StartBuild and CreateProject do. */
export function checkVariables(list: unknown, field: string): CodeBuildVariable[] {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) invalid(`1 validation error detected: Value at '${field}' failed to satisfy constraint: Member must be a list`);
  return (list as Record<string, unknown>[]).map((v, i) => {
    const name: unknown = v?.name ?? v?.Name;
    const value: unknown = v?.value ?? v?.Value;
    const type = (v?.type ?? v?.Type ?? 'PLAINTEXT') as string;
    if (typeof name !== 'string' || name === '') invalid(`1 validation error detected: Value null at '${field}.${i + 1}.member.name' failed to satisfy constraint: Member must not be null`);
    if (typeof value !== 'string') invalid(`1 validation error detected: Value null at '${field}.${i + 1}.member.value' failed to satisfy constraint: Member must not be null`);
    if (!VARIABLE_TYPES.includes(type)) invalid(`1 validation error detected: Value '${type}' at '${field}.${i + 1}.member.type' failed to satisfy constraint: Member must satisfy enum value set: [${VARIABLE_TYPES.join(', ')}]`);
    if (name.startsWith('CODEBUILD_')) invalid(`Invalid environment variable: ${name}. Environment variable names cannot start with CODEBUILD_`);
    return { name, value: value as string, type: type as CodeBuildVariable['type'] };
  });
}

export interface ProjectInput {
  name: string;
  description?: string;
  serviceRole?: string;
  source?: { type?: string; buildspec?: string };
  artifacts?: { type?: string };
  environment?: { type?: string; image?: string; computeType?: string; privilegedMode?: boolean; environmentVariables?: unknown };
  timeoutInMinutes?: number;
  queuedTimeoutInMinutes?: number;
  logs?: { status?: string; groupName?: string; streamName?: string };
  tags?: Record<string, string>;
}

function checked(core: SandboxCore, input: ProjectInput, existing?: CodeBuildProject): CodeBuildProject {
  if (!NAME.test(input.name)) invalid(`Invalid project name: ${input.name}. It must be 2 to 255 characters: letters, numbers, hyphens and underscores, starting with a letter or number`);
  if (!input.serviceRole) invalid('1 validation error detected: Value null at \'serviceRole\' failed to satisfy constraint: Member must not be null');
  const env = input.environment ?? {};
  if (!env.type || !ENVIRONMENT_TYPES.includes(env.type)) invalid(`1 validation error detected: Value '${env.type}' at 'environment.type' failed to satisfy constraint: Member must satisfy enum value set: [${ENVIRONMENT_TYPES.join(', ')}]`);
  if (!env.computeType || !COMPUTE_TYPES.includes(env.computeType)) invalid(`1 validation error detected: Value '${env.computeType}' at 'environment.computeType' failed to satisfy constraint: Member must satisfy enum value set: [${COMPUTE_TYPES.join(', ')}]`);
  if (!env.image) invalid("1 validation error detected: Value null at 'environment.image' failed to satisfy constraint: Member must not be null");
  // A curated image names its architecture; CodeBuild refuses one that cannot run on the environment.
  if (/^aws\/codebuild\//.test(env.image) && (env.type === 'ARM_CONTAINER') !== /aarch64/.test(env.image)) invalid(`Invalid image ${env.image} for environment type ${env.type}`);
  const sourceType = input.source?.type ?? '';
  if (sourceType === 'NO_SOURCE' && !input.source?.buildspec) invalid('Invalid source: buildspec must be specified for NO_SOURCE source type');
  const timeout = input.timeoutInMinutes ?? 60;
  if (timeout < 5 || timeout > 2160) invalid(`1 validation error detected: Value '${timeout}' at 'timeoutInMinutes' failed to satisfy constraint: Member must have value between 5 and 2160`);
  const now = Date.now();
  return {
    name: input.name,
    arn: projectArn(core, input.name),
    description: input.description,
    serviceRole: input.serviceRole,
    source: { type: sourceType, buildspec: input.source?.buildspec },
    artifacts: { type: input.artifacts?.type ?? 'NO_ARTIFACTS' },
    environment: { type: env.type, image: env.image, computeType: env.computeType, privilegedMode: env.privilegedMode === true, environmentVariables: checkVariables(env.environmentVariables, 'environment.environmentVariables') },
    timeoutInMinutes: timeout,
    queuedTimeoutInMinutes: input.queuedTimeoutInMinutes ?? 480,
    logs: { status: input.logs?.status === 'DISABLED' ? 'DISABLED' : 'ENABLED', groupName: input.logs?.groupName, streamName: input.logs?.streamName },
    tags: { ...(input.tags ?? {}) },
    created: existing?.created ?? now,
    lastModified: now,
    buildCount: existing?.buildCount ?? 0,
  };
}

/** Creates a project (ResourceAlreadyExistsException when the name is taken). */
export function createProject(core: SandboxCore, input: ProjectInput): CodeBuildProject {
  if (core.state.codebuild.projects.has(input.name)) fail('ResourceAlreadyExistsException', `Project already exists: ${projectArn(core, input.name)}`);
  const project = checked(core, input);
  core.state.codebuild.projects.set(project.name, project);
  core.changed();
  return project;
}

/** Replaces a project's settings in place (its builds and counter stay). */
export function updateProject(core: SandboxCore, input: ProjectInput): CodeBuildProject {
  const existing = findProject(core, input.name);
  if (!existing) fail('ResourceNotFoundException', `Project cannot be found: ${projectArn(core, input.name)}`);
  const project = checked(core, input, existing);
  core.state.codebuild.projects.set(project.name, project);
  core.changed();
  return project;
}

/** Deletes a project; its builds stay in the history, as in CodeBuild. */
export function deleteProject(core: SandboxCore, name: string): void {
  core.state.codebuild.projects.delete(name);
  core.changed();
}

/** BatchGetProjects' view of a project. */
export function projectView(p: CodeBuildProject): Record<string, unknown> {
  return {
    name: p.name,
    arn: p.arn,
    ...(p.description ? { description: p.description } : {}),
    serviceRole: p.serviceRole,
    source: { type: p.source.type, ...(p.source.buildspec ? { buildspec: p.source.buildspec } : {}) },
    artifacts: { type: p.artifacts.type },
    environment: { ...p.environment, environmentVariables: p.environment.environmentVariables },
    timeoutInMinutes: p.timeoutInMinutes,
    queuedTimeoutInMinutes: p.queuedTimeoutInMinutes,
    logsConfig: { cloudWatchLogs: { status: p.logs.status, ...(p.logs.groupName ? { groupName: p.logs.groupName } : {}), ...(p.logs.streamName ? { streamName: p.logs.streamName } : {}) }, s3Logs: { status: 'DISABLED' } },
    tags: Object.entries(p.tags).map(([key, value]) => ({ key, value })),
    created: p.created / 1000,
    lastModified: p.lastModified / 1000,
  };
}
