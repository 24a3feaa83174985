/**
 * AWS's public parameters the sandbox answers (`/aws/service/...`): the ECS-optimised Amazon
 * Linux 2023 AMIs, standard and GPU, as `.../recommended` (JSON) and its sub-parameters. They
 * belong to no account (their ARN has none), cannot be written, and read like any parameter:
 * GetParameter(s), `{{resolve:ssm:...}}`, and `AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>`.
 * AMI ids are made up, stable per Region.
 */
import { createHash } from 'node:crypto';
import type { SsmParameter } from '../state';

const ECS_AL2023 = '/aws/service/ecs/optimized-ami/amazon-linux-2023';
/** The image version the sandbox's AMIs claim (a real AL2023 ECS release name format). */
const IMAGE_VERSION = '2023.0.20241108';
// Published 2024-11-08 as that release; each release is a new version of the parameter.
const PUBLISHED_AT = Date.UTC(2024, 10, 8, 18, 0, 0);
const PARAMETER_VERSION = 94;

interface Ami {
  path: string;
  kind: 'standard' | 'gpu';
}

const AMIS: Ami[] = [
  { path: `${ECS_AL2023}/recommended`, kind: 'standard' },
  { path: `${ECS_AL2023}/gpu/recommended`, kind: 'gpu' },
];

/** The made-up AMI id of a kind in a Region (`ami-` and 17 hex digits, as EC2's). */
export function sandboxAmiId(region: string, kind: Ami['kind']): string {
  return `ami-${createHash('sha256').update(`berth-sandbox/${region}/ecs-al2023/${kind}`).digest('hex').slice(0, 17)}`;
}

/** Which of the sandbox's ECS AMIs an image id is, if any. */
export function sandboxAmiKind(region: string, imageId: string): Ami['kind'] | undefined {
  return AMIS.find((a) => sandboxAmiId(region, a.kind) === imageId)?.kind;
}

function fields(region: string, ami: Ami): Record<string, string | number> {
  const name = `al2023-ami-ecs-${ami.kind === 'gpu' ? 'gpu-' : ''}hvm-${IMAGE_VERSION}-kernel-6.1-x86_64`;
  return {
    ecs_agent_version: '1.88.0',
    ecs_runtime_version: 'Docker version 25.0.6',
    image_id: sandboxAmiId(region, ami.kind),
    image_name: name,
    image_version: IMAGE_VERSION,
    os: 'Amazon Linux 2023',
    schema_version: 1,
    source_image_name: `al2023-ami-minimal-${IMAGE_VERSION}-kernel-6.1-x86_64`,
  };
}

function parameter(name: string, value: string): SsmParameter {
  return { name, type: 'String', value, version: PARAMETER_VERSION, lastModified: PUBLISHED_AT, tier: 'Standard', dataType: 'text', labels: [], tags: {} };
}

/** True for names in AWS's public namespace (written by no account). */
export function isPublicParameterName(name: string): boolean {
  return name.startsWith('/aws/service/');
}

/** The public parameter with this name in a Region, undefined when the sandbox has none. */
export function publicParameter(region: string, name: string): SsmParameter | undefined {
  for (const ami of AMIS) {
    if (name === ami.path) return parameter(name, JSON.stringify(fields(region, ami)));
    const sub = name.startsWith(`${ami.path}/`) ? fields(region, ami)[name.slice(ami.path.length + 1)] : undefined;
    if (sub !== undefined) return parameter(name, String(sub));
  }
  return undefined;
}
