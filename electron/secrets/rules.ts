/**
 * What AWS will accept for a config value, judged by what uses it. A value that becomes an RDS
 * master password must fit RDS's rules, or the database update fails half-way through a deploy.
 * Messages name the rule and the offending characters, never the value.
 */
import type { ServiceModel } from '../../shared/domain/project';

/** RDS for PostgreSQL (CreateDBInstance MasterUserPassword): 8 to 128 printable ASCII characters except / @ " and space. */
const RDS_MIN = 8;
const RDS_MAX = 128;
const RDS_FORBIDDEN = ['/', '@', '"', ' '];

/** Config names that become a managed Postgres's master password, with the store's service name. */
function masterPasswords(services: readonly Pick<ServiceModel, 'name' | 'managed'>[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const s of services) if (s.managed?.kind === 'postgres') out.set(s.managed.passwordConfig ?? 'POSTGRES_PASSWORD', s.name);
  return out;
}

function describeCharacter(c: string): string {
  return c === ' ' ? 'a space' : `"${c}"`;
}

/** Why AWS would refuse `value` for config `name` in this project, or undefined when it fits. */
export function configValueProblem(services: readonly Pick<ServiceModel, 'name' | 'managed'>[], name: string, value: string): string | undefined {
  const store = masterPasswords(services).get(name);
  if (!store) return undefined;
  const reasons: string[] = [];
  if (value.length < RDS_MIN) reasons.push(`it is shorter than ${RDS_MIN} characters`);
  if (value.length > RDS_MAX) reasons.push(`it is longer than ${RDS_MAX} characters`);
  const forbidden = RDS_FORBIDDEN.filter((c) => value.includes(c));
  if (forbidden.length > 0) reasons.push(`it contains ${forbidden.map(describeCharacter).join(' and ')}`);
  if (/[^\x20-\x7e]/.test(value)) reasons.push('it has characters outside printable ASCII');
  if (reasons.length === 0) return undefined;
  return `${name} is the master password of the ${store} database (RDS), which AWS refuses because ${reasons.join(', ')}. Use ${RDS_MIN} to ${RDS_MAX} printable ASCII characters without / @ " or spaces, or generate one.`;
}
