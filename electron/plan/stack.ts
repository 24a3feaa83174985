/**
 * Turning a template into a PlannedStack: the canonical body, its size, and the CloudFormation
 * limits that shape it (checked here so a plan never produces a stack AWS would refuse).
 */
import type { CfnResource, CfnTemplate, PlannedResource, PlannedStack } from '../../shared/domain/plan';
import { raise } from '../../shared/result';
import { canonicalJson } from './cfn';

/** A template sent inline is at most this many bytes; larger goes through the bucket as TemplateURL. */
export const INLINE_TEMPLATE_LIMIT = 51_200;
/** A template given as TemplateURL is at most this many bytes. */
export const UPLOADED_TEMPLATE_LIMIT = 1_000_000;
/** A stack holds at most this many resources. */
export const MAX_RESOURCES = 500;
export const MAX_PARAMETERS = 200;
export const MAX_OUTPUTS = 200;

/** The human side of a resource: who it belongs to, what it is, why it exists. */
export interface ResourceNote {
  group: string;
  description: string;
  why: string;
}

/** Collects resources with their notes, refusing duplicate logical ids. */
export class TemplateBuilder {
  readonly resources: Record<string, CfnResource> = {};
  readonly parameters: NonNullable<CfnTemplate['Parameters']> = {};
  readonly outputs: NonNullable<CfnTemplate['Outputs']> = {};
  readonly notes: { logicalId: string; type: string; note: ResourceNote }[] = [];

  constructor(readonly stack: PlannedResource['stack']) {}

  /** Adds a resource; its logical id must be new. Returns the id, for `ref()`. */
  add(logicalId: string, resource: CfnResource, note: ResourceNote): string {
    if (!/^[A-Za-z0-9]{1,255}$/.test(logicalId)) raise('INTERNAL', `Logical id "${logicalId}" is not alphanumeric`);
    if (this.resources[logicalId] || this.parameters[logicalId]) {
      raise('PLAN_INVALID', `Two things in the plan would share the CloudFormation id "${logicalId}". Rename one of the services.`, { logicalId });
    }
    this.resources[logicalId] = resource;
    this.notes.push({ logicalId, type: resource.Type, note });
    return logicalId;
  }

  /** Declares a parameter. */
  parameter(name: string, spec: NonNullable<CfnTemplate['Parameters']>[string]): string {
    if (this.resources[name] || this.parameters[name]) raise('PLAN_INVALID', `Two things in the plan would share the CloudFormation id "${name}".`);
    this.parameters[name] = spec;
    return name;
  }

  /** Declares an output. */
  output(name: string, value: unknown, description: string): void {
    this.outputs[name] = { Value: value, Description: description };
  }

  /** The planned-resource rows of the preview. */
  planned(): PlannedResource[] {
    return this.notes.map(({ logicalId, type, note }) => ({ stack: this.stack, logicalId, type, ...note }));
  }

  /** The finished template. */
  template(description: string, metadata?: Record<string, unknown>): CfnTemplate {
    const template: CfnTemplate = { AWSTemplateFormatVersion: '2010-09-09', Description: description, Resources: this.resources };
    if (metadata) template.Metadata = metadata;
    if (Object.keys(this.parameters).length > 0) template.Parameters = this.parameters;
    if (Object.keys(this.outputs).length > 0) template.Outputs = this.outputs;
    return template;
  }
}

/**
 * The stack as it will be sent: canonical body, byte size, resource count, whether it must be
 * uploaded. More than 500 resources (Berth does not split into nested stacks), more than 200
 * parameters or outputs, or a body over 1 MB are LIMIT_EXCEEDED errors naming the count.
 */
export function finishStack(stackName: string, template: CfnTemplate): PlannedStack {
  const resourceCount = Object.keys(template.Resources).length;
  if (resourceCount > MAX_RESOURCES) {
    raise(
      'LIMIT_EXCEEDED',
      `Stack ${stackName} would hold ${resourceCount} resources; CloudFormation allows ${MAX_RESOURCES}. Split the project into smaller compose projects.`,
      { stackName, resourceCount, limit: MAX_RESOURCES },
    );
  }
  const parameterCount = Object.keys(template.Parameters ?? {}).length;
  if (parameterCount > MAX_PARAMETERS) {
    raise('LIMIT_EXCEEDED', `Stack ${stackName} would take ${parameterCount} parameters; CloudFormation allows ${MAX_PARAMETERS}. Fewer services build their own image.`, {
      stackName,
      parameterCount,
      limit: MAX_PARAMETERS,
    });
  }
  const outputCount = Object.keys(template.Outputs ?? {}).length;
  if (outputCount > MAX_OUTPUTS) {
    raise('LIMIT_EXCEEDED', `Stack ${stackName} would have ${outputCount} outputs; CloudFormation allows ${MAX_OUTPUTS}. Publish fewer ports.`, {
      stackName,
      outputCount,
      limit: MAX_OUTPUTS,
    });
  }
  const body = canonicalJson(template);
  const bytes = Buffer.byteLength(body, 'utf8');
  if (bytes > UPLOADED_TEMPLATE_LIMIT) {
    raise('LIMIT_EXCEEDED', `Stack ${stackName}'s template is ${bytes} bytes; CloudFormation accepts at most ${UPLOADED_TEMPLATE_LIMIT}.`, {
      stackName,
      bytes,
      limit: UPLOADED_TEMPLATE_LIMIT,
    });
  }
  return { stackName, template, body, bytes, resourceCount, needsUpload: bytes > INLINE_TEMPLATE_LIMIT };
}
