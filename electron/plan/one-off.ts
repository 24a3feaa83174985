/**
 * One-off services in the project stack: a task definition and no ECS service, plus a wait
 * condition that holds back every service depending on the one-off until Berth has run it
 * once (RunTask) and signalled its exit. A non-zero exit signals FAILURE: the stack rolls back,
 * so the dependents keep running the version they ran. Wait conditions cannot be updated, so
 * each revision of the one-off (its settings and its image) gets a handle and condition of
 * its own: an unchanged one-off does not run again, a changed one runs once more.
 */
import { createHash } from 'node:crypto';
import type { ServiceModel } from '../../shared/domain/project';
import { canonicalJson, ref } from './cfn';
import type { ResourceNote, TemplateBuilder } from './stack';

/** What the pipeline needs to run a one-off, by logical ids of the project stack. */
export interface OneOffPlan {
  service: string;
  container: string;
  taskDefinition: string;
  handle: string;
  waitCondition: string;
  subnets: string[];
  securityGroup: string;
  assignPublicIp: boolean;
  logGroup: string;
}

/** How long the stack waits for a one-off (a long migration included) before it gives up and rolls back. */
export const ONE_OFF_TIMEOUT_SECONDS = 3600;

/**
 * 8 hex digits naming this revision of the one-off: its settings and its image — not where
 * the project sits on disk or where the service is written (the built image's digest already
 * says what the build context held).
 */
export function oneOffRevision(service: ServiceModel, image: string | undefined): string {
  const { source: _source, imageSource: _imageSource, build, ...settings } = service;
  void _source;
  void _imageSource;
  // Builder and build secret ids only when they differ from a plain Dockerfile build, so the
  // revisions of one-offs deployed before they existed stay the same (and do not run again).
  const recipe = build
    ? { dockerfile: build.dockerfile, args: build.args, target: build.target, platform: build.platform, ...(build.builder === 'railpack' ? { builder: build.builder } : {}), ...(build.secrets?.length ? { secrets: build.secrets } : {}) }
    : undefined;
  return createHash('sha256').update(canonicalJson({ settings, build: recipe, image: image ?? service.image ?? 'built by Berth' })).digest('hex').slice(0, 8);
}

type Note = (service: string, description: string, why: string) => ResourceNote;

/** Adds the handle and wait condition of one one-off, after its task definition and dependencies. */
export function addOneOff(b: TemplateBuilder, plan: OneOffPlan, dependencies: string[], service: ServiceModel, own: Note): void {
  const command = [...(service.entrypoint ?? []), ...(service.command ?? [])].join(' ') || 'its image’s command';
  b.add(
    plan.handle,
    { Type: 'AWS::CloudFormation::WaitConditionHandle', Properties: {} },
    own(service.name, `Signal address for ${service.name}’s run`, 'Berth reports here whether the one-off run succeeded'),
  );
  b.add(
    plan.waitCondition,
    {
      Type: 'AWS::CloudFormation::WaitCondition',
      DependsOn: [plan.taskDefinition, ...dependencies].sort(),
      Properties: { Handle: ref(plan.handle), Timeout: String(ONE_OFF_TIMEOUT_SECONDS), Count: 1 },
    },
    own(
      service.name,
      `Runs ${service.name} once (${command}) before the services that depend on it`,
      `${service.oneOff?.why ?? 'It is a one-off step'}. Berth starts it as one ECS task and waits for it to exit; a non-zero exit stops the deploy with its log line and rolls the stack back`,
    ),
  );
}
