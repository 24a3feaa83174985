/**
 * Models named by config values (`LLM_MODEL` with no value in compose, set in Berth's Secrets):
 * read at deploy with the user's credentials, accepted only when the value is a Bedrock model
 * Berth knows — so nothing secret ever becomes an IAM resource — and granted by ARN through the
 * service's `<Service>ConfigModelArns` stack parameter. Errors never repeat the value.
 */
import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { invokeId, resolveModelName } from '../../shared/domain/models';
import type { ModelPlan } from '../../shared/domain/plan';
import type { ProjectModel } from '../../shared/domain/project';
import { raise } from '../../shared/result';
import { configModelsParameter, invokedArnPattern } from '../plan/models';
import { configParameterName, idPart } from '../plan/names';

export interface ConfigModels {
  /** Stack parameter → comma-separated ARNs of what is called (profiles, or models on demand); the template allows a profile's model only through it. */
  parameters: Record<string, string>;
  /** The models, for the access check. */
  models: Pick<ModelPlan, 'service' | 'model' | 'invokeId'>[];
}

/** The ARN a call to `id` (a model or a profile) from `region` is made on: the template's pattern, filled in. */
export function invokedArn(id: string, model: string, region: string, account: string, partition = 'aws'): string {
  return invokedArnPattern(id, model).replace('${AWS::Partition}', partition).replace('${AWS::Region}', region).replace('${AWS::AccountId}', account);
}

/** One config value; deleted since the config gate read it, it is reported as missing (never as a bad model). */
async function readValue(ssm: SSMClient, project: string, name: string): Promise<string> {
  try {
    return (await ssm.send(new GetParameterCommand({ Name: configParameterName(project, name), WithDecryption: true }))).Parameter?.Value ?? '';
  } catch (error) {
    if ((error as { name?: string }).name === 'ParameterNotFound') raise('CONFIG_MISSING', `Set ${name} in Secrets before deploying ${project}: it names the model the project calls.`, { missing: [name] });
    throw error;
  }
}

/** Reads and checks every config-valued model of the project. */
export async function readConfigModels(ssm: SSMClient, project: ProjectModel, target: { region: string; account: string; partition?: string }): Promise<ConfigModels> {
  const out: ConfigModels = { parameters: {}, models: [] };
  for (const s of project.services) {
    const variables = s.llm?.configModels ?? [];
    if (variables.length === 0) continue;
    const arns: string[] = [];
    for (const variable of variables) {
      const value = s.environment[variable];
      const name = value?.kind === 'config' ? value.name : variable;
      const written = await readValue(ssm, project.name, name);
      const resolved = resolveModelName(written);
      if (!resolved) {
        raise('MODEL_UNAVAILABLE', `The config value ${name}, which ${s.name} reads as ${variable} and whose role may invoke the model it names, is not an Amazon Bedrock model Berth knows. Nothing was created.`, {
          service: s.name,
          variable,
          fix: `Set ${name} to a model id from docs/models.md, such as us.amazon.nova-lite-v1:0 or us.anthropic.claude-sonnet-4-20250514-v1:0, on the Secrets screen.`,
        });
      }
      if (resolved.via === 'alias') {
        raise('MODEL_UNAVAILABLE', `The config value ${name}, which ${s.name} reads as ${variable}, is a name Berth maps to ${resolved.model.name}, but ${s.name}'s code sends it to Amazon Bedrock as it is, and Bedrock does not know it. Nothing was created.`, {
          service: s.name,
          variable,
          fix: `Set ${name} to ${resolved.model.id}${resolved.model.geos.length > 0 ? ` or its profile id for the region, such as ${resolved.model.geos[0]}.${resolved.model.id}` : ''} on the Secrets screen.`,
        });
      }
      const id = invokeId(resolved.model, target.region);
      if (!id) raise('MODEL_UNAVAILABLE', `The model in config value ${name} (${resolved.model.name}) is served only through inference profiles, and none starts in ${target.region}.`, { service: s.name, variable });
      // The app calls Bedrock with the value as written: a profile-only model written bare would be refused on demand.
      const called = written.replace(/^bedrock\//, '');
      if (called === resolved.model.id && resolved.model.profileOnly) {
        raise('MODEL_UNAVAILABLE', `The config value ${name} names ${resolved.model.name} by its model id, which Amazon Bedrock serves only through an inference profile: ${s.name}'s calls would fail ("Invocation of model ID … with on-demand throughput isn’t supported").`, {
          service: s.name,
          variable,
          fix: `Set ${name} to the profile id ${id} on the Secrets screen.`,
        });
      }
      const invoked = called;
      arns.push(invokedArn(invoked, resolved.model.id, target.region, target.account, target.partition));
      out.models.push({ service: s.name, model: resolved.model.id, invokeId: invoked });
    }
    out.parameters[configModelsParameter(idPart(s.name))] = [...new Set(arns)].join(',');
  }
  return out;
}
