/** `AWS::CodeBuild::Project`: a real project of the sandbox's CodeBuild (Ref is its name; Arn its ARN). */
import { fail, SandboxError } from '../../errors';
import { createProject, deleteProject, updateProject, type ProjectInput } from '../../codebuild/projects';
import { allTags, generatedName, str, type ProviderContext, type ResourceProvider } from './types';

type Props = Record<string, unknown>;
const obj = (v: unknown): Props => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Props) : {});
const num = (v: unknown): number | undefined => (v === undefined ? undefined : Number(v));

function input(ctx: ProviderContext, name: string, props: Props): ProjectInput {
  const env = obj(props.Environment);
  const logs = obj(obj(props.LogsConfig).CloudWatchLogs);
  return {
    name,
    description: str(props, 'Description'),
    serviceRole: str(props, 'ServiceRole'),
    source: { type: str(obj(props.Source), 'Type'), buildspec: str(obj(props.Source), 'BuildSpec') },
    artifacts: { type: str(obj(props.Artifacts), 'Type') },
    environment: {
      type: str(env, 'Type'),
      image: str(env, 'Image'),
      computeType: str(env, 'ComputeType'),
      privilegedMode: env.PrivilegedMode === true || env.PrivilegedMode === 'true',
      environmentVariables: env.EnvironmentVariables,
    },
    timeoutInMinutes: num(props.TimeoutInMinutes),
    queuedTimeoutInMinutes: num(props.QueuedTimeoutInMinutes),
    logs: Object.keys(logs).length > 0 ? { status: str(logs, 'Status'), groupName: str(logs, 'GroupName'), streamName: str(logs, 'StreamName') } : undefined,
    tags: allTags(ctx, props),
  };
}

// CloudFormation reports the service's refusal as the resource's status reason.
function asResourceError(error: unknown): never {
  if (error instanceof SandboxError && error.code === 'ResourceAlreadyExistsException') fail('AlreadyExists', error.message);
  if (error instanceof SandboxError && error.code === 'InvalidInputException') fail('InvalidRequest', error.message);
  throw error;
}

export const codeBuildProjectProvider: ResourceProvider = {
  nameProperty: 'Name',
  create(ctx, props) {
    const name = str(props, 'Name') ?? generatedName(ctx, 255);
    try {
      const project = createProject(ctx.core, input(ctx, name, props));
      return { physicalId: project.name, attributes: { Arn: project.arn, Id: project.name } };
    } catch (error) {
      return asResourceError(error);
    }
  },
  update(ctx, resource, props) {
    try {
      updateProject(ctx.core, input(ctx, resource.physicalId, props));
    } catch (error) {
      asResourceError(error);
    }
    return resource;
  },
  delete(ctx, resource) {
    deleteProject(ctx.core, resource.physicalId);
  },
};

export const codeBuildProviders: Record<string, ResourceProvider> = { 'AWS::CodeBuild::Project': codeBuildProjectProvider };
