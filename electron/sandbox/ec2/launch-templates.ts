/**
 * EC2 launch templates with their versions (what an Auto Scaling group launches), and what an
 * instance's user data says to the ECS agent (`ECS_CLUSTER=...` lines in /etc/ecs/ecs.config).
 */
import type { SandboxCore } from '../core';
import { fail } from '../errors';
import { hex } from '../ids';
import type { LaunchTemplate, LaunchTemplateVersion } from '../state';

const NAME = /^[a-zA-Z0-9().\-/_]{3,128}$/;

/** Creates a launch template with its first version (the default). */
export function createLaunchTemplate(core: SandboxCore, name: string, data: Record<string, unknown>, tags: Record<string, string>): LaunchTemplate {
  if (!NAME.test(name)) fail('InvalidLaunchTemplateName.MalformedException', `The launch template name ${name} is malformed: 3 to 128 letters, digits and ( ) . - / _.`);
  if ([...core.state.ec2.launchTemplates.values()].some((t) => t.name === name)) fail('InvalidLaunchTemplateName.AlreadyExistsException', `Launch template name already in use.`);
  const template: LaunchTemplate = { id: `lt-${hex(17)}`, name, createdAt: Date.now(), defaultVersion: 1, versions: [{ number: 1, data, createdAt: Date.now() }], tags };
  core.state.ec2.launchTemplates.set(template.id, template);
  core.changed();
  return template;
}

/** Adds a version and makes it the default (what CloudFormation does when LaunchTemplateData changes). */
export function addLaunchTemplateVersion(core: SandboxCore, template: LaunchTemplate, data: Record<string, unknown>): LaunchTemplateVersion {
  const version = { number: template.versions.length + 1, data, createdAt: Date.now() };
  template.versions.push(version);
  template.defaultVersion = version.number;
  core.changed();
  return version;
}

/** A template by id or name. */
export function findLaunchTemplate(core: SandboxCore, ref: string): LaunchTemplate | undefined {
  return core.state.ec2.launchTemplates.get(ref) ?? [...core.state.ec2.launchTemplates.values()].find((t) => t.name === ref);
}

/** The version a reference names: a number, `$Latest` or `$Default` (the default when absent). */
export function launchTemplateVersion(template: LaunchTemplate, version: string | undefined): LaunchTemplateVersion | undefined {
  if (version === undefined || version === '$Default') return template.versions[template.defaultVersion - 1];
  if (version === '$Latest') return template.versions[template.versions.length - 1];
  return /^\d+$/.test(version) ? template.versions[Number(version) - 1] : undefined;
}

/** What the ECS agent reads from the user data: the `KEY=value` settings written into /etc/ecs/ecs.config. */
export function ecsAgentConfig(userData: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const match of userData.matchAll(/\b(ECS_[A-Z_]+)=([^\s"'>]*)/g)) out[match[1]!] = match[2]!;
  return out;
}

/** User data as EC2 receives it (base64); text that is not base64 is taken as it is. */
export function decodeUserData(value: unknown): string {
  if (typeof value !== 'string' || value === '') return '';
  const text = Buffer.from(value, 'base64').toString('utf8');
  return Buffer.from(text, 'utf8').toString('base64').replace(/=+$/, '') === value.replace(/=+$/, '') ? text : value;
}
