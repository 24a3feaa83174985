/**
 * Derived config: an env value that splices config into a larger string
 * (`postgres://u:${POSTGRES_PASSWORD}@db:5432/x`) is computed here from the stored values and
 * written as its own SecureString at `derivedParameterName(...)`, so neither the template nor
 * the task definition holds a secret. Values never leave this module: not in errors, not in events.
 */
import { AddTagsToResourceCommand, PutParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import type { ProjectModel } from '../../shared/domain/project';
import { raise } from '../../shared/result';
import { berthTags } from '../aws/tags';
import { configParameterName, derivedParameterName } from '../plan';
import { readConfigValues } from '../secrets/store';

export interface DerivedValue {
  service: string;
  variable: string;
  parameter: string;
  template: string;
  names: string[];
}

/** Every derived value the project needs. */
export function derivedValues(project: ProjectModel): DerivedValue[] {
  const out: DerivedValue[] = [];
  for (const service of project.services) {
    for (const [variable, value] of Object.entries(service.environment)) {
      if (value.kind !== 'derived') continue;
      out.push({ service: service.name, variable, parameter: derivedParameterName(project.name, service.name, variable), template: value.template, names: value.names });
    }
  }
  return out.sort((a, b) => (a.parameter < b.parameter ? -1 : 1));
}

/**
 * Where in a URL template (`scheme://user:pass@host:port/path?query#fragment`) each offset lies:
 * values spliced into the user info, path, query or fragment are percent-encoded (a password
 * with `@ : / # %` would otherwise end the part early); in the host and port they stay as they are.
 */
function urlParts(template: string): ((offset: number) => 'encode' | 'raw') | undefined {
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.exec(template);
  if (!scheme) return undefined;
  const start = scheme[0].length;
  // The authority ends at the first literal / ? or # after the scheme (placeholders count as text).
  const literal = template.replace(/\$\{[^}]*\}/g, (m) => 'x'.repeat(m.length));
  const end = start + (/[/?#]/.exec(literal.slice(start))?.index ?? literal.length - start);
  const at = literal.lastIndexOf('@', end - 1);
  const hostStart = at >= start ? at + 1 : start;
  return (offset) => (offset >= start && offset < hostStart) || offset >= end ? 'encode' : 'raw';
}

/** Fills a compose template: `${NAME}` becomes the config value (percent-encoded where a URL needs it), `$$` a literal `$`. */
export function renderTemplate(template: string, values: ReadonlyMap<string, string>): string {
  const part = urlParts(template);
  return template.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (match, name: string | undefined, offset: number) => {
    if (match === '$$') return '$';
    const value = values.get(name!);
    if (value === undefined) raise('CONFIG_MISSING', `Set ${name} in Secrets before deploying.`, { missing: [name] });
    return part?.(offset) === 'encode' ? encodeURIComponent(value) : value;
  });
}

export interface DerivedResult {
  written: string[];
  unchanged: string[];
}

/** Computes every derived value and writes the ones that changed (SecureString, tagged). */
export async function writeDerivedParameters(ssm: SSMClient, project: ProjectModel): Promise<DerivedResult> {
  const derived = derivedValues(project);
  const result: DerivedResult = { written: [], unchanged: [] };
  if (derived.length === 0) return result;
  const configNames = [...new Set(derived.flatMap((d) => d.names))].sort();
  // One read for the config values and the current derived values (to skip unchanged writes).
  const stored = await readConfigValues(ssm, [...configNames.map((n) => configParameterName(project.name, n)), ...derived.map((d) => d.parameter)]);
  const config = new Map<string, string>();
  for (const name of configNames) {
    const value = stored.get(configParameterName(project.name, name));
    if (value !== undefined) config.set(name, value);
  }
  const missing = configNames.filter((n) => !config.has(n));
  if (missing.length > 0) raise('CONFIG_MISSING', `Set ${missing.join(', ')} in Secrets before deploying ${project.name}.`, { missing });

  for (const d of derived) {
    const value = renderTemplate(d.template, config);
    const current = stored.get(d.parameter);
    if (current === value) {
      result.unchanged.push(d.parameter);
      continue;
    }
    await putSecureParameter(ssm, project.name, d.parameter, value, current !== undefined, `Berth: ${d.variable} of ${d.service}, computed from config`, `the computed value ${d.variable} of ${d.service}`);
    result.written.push(d.parameter);
  }
  return result;
}

/** Writes one SecureString (created tagged, or overwritten and re-tagged); a failure names the parameter, never the value. */
export async function putSecureParameter(ssm: SSMClient, project: string, parameter: string, value: string, exists: boolean, description: string, what: string): Promise<void> {
  try {
    if (!exists) {
      await ssm.send(new PutParameterCommand({ Name: parameter, Value: value, Type: 'SecureString', Tags: berthTags(project), Description: description }));
    } else {
      await ssm.send(new PutParameterCommand({ Name: parameter, Value: value, Type: 'SecureString', Overwrite: true }));
      await ssm.send(new AddTagsToResourceCommand({ ResourceType: 'Parameter', ResourceId: parameter, Tags: berthTags(project) }));
    }
  } catch (error) {
    // The error text could echo the request: say what failed, never with the value.
    const name = (error as { name?: string }).name ?? 'Error';
    raise(name.includes('AccessDenied') ? 'ACCESS_DENIED' : name.includes('Throttl') ? 'THROTTLED' : 'AWS_ERROR', `Writing ${what} (${parameter}) failed: ${name}.`, { parameter, awsError: name });
  }
}
