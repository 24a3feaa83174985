/**
 * What AWS will accept for a config value, judged by what uses it. A value that becomes an RDS
 * master password must fit RDS's rules, or the database update fails half-way through a deploy.
 * Messages name the rule and the offending characters, never the value.
 */
import { resolveModelName } from '../../shared/domain/models';
import type { ServiceModel } from '../../shared/domain/project';

type ValueUser = Pick<ServiceModel, 'name' | 'managed'> & Partial<Pick<ServiceModel, 'llm' | 'environment'>>;

/** RDS for PostgreSQL (CreateDBInstance MasterUserPassword): 8 to 128 printable ASCII characters except / @ " and space. */
const RDS_MIN = 8;
const RDS_MAX = 128;
const RDS_FORBIDDEN = ['/', '@', '"', ' '];

/** Config names that become a managed Postgres's master password, with the store's service name. */
function masterPasswords(services: readonly ValueUser[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const s of services) if (s.managed?.kind === 'postgres') out.set(s.managed.passwordConfig ?? 'POSTGRES_PASSWORD', s.name);
  return out;
}

function describeCharacter(c: string): string {
  return c === ' ' ? 'a space' : `"${c}"`;
}

/** Config names an x-defang-llm service reads as the model it calls, with who reads them ("app as LLM_MODEL"). */
function modelReaders(services: readonly ValueUser[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const s of services) {
    for (const variable of s.llm?.configModels ?? []) {
      const value = s.environment?.[variable];
      out.set(value?.kind === 'config' ? value.name : variable, `${s.name} reads it as ${variable}`);
    }
  }
  return out;
}

const MODEL_EXAMPLES = 'a Bedrock model or profile id such as us.amazon.nova-lite-v1:0 or amazon.titan-embed-text-v2:0 (docs/models.md lists them all)';

/** Why a random value cannot serve as config `name`, or undefined when one can. */
export function generatedValueProblem(services: readonly ValueUser[], name: string): string | undefined {
  const reader = modelReaders(services).get(name);
  if (!reader) return undefined;
  return `${name} names the Amazon Bedrock model its service calls (${reader}), so a random value cannot be one. Set it to a model, ${MODEL_EXAMPLES}.`;
}

/** Why AWS would refuse `value` for config `name` in this project, or undefined when it fits. */
export function configValueProblem(services: readonly ValueUser[], name: string, value: string): string | undefined {
  const reader = modelReaders(services).get(name);
  if (reader) {
    const resolved = resolveModelName(value);
    if (!resolved) return `${name} names the Amazon Bedrock model its service calls (${reader}), and the value is not a model Berth knows. Use ${MODEL_EXAMPLES}.`;
    // The service's code calls Bedrock with the value itself: a Berth alias would be refused there.
    if (resolved.via === 'alias') return `${name} names the Amazon Bedrock model its service calls (${reader}), and its code sends the value to Bedrock as it is: the name is one Berth maps, which Bedrock does not know. Use the model's id, ${resolved.model.id}${resolved.model.geos.length > 0 ? `, or its profile id for your region such as ${resolved.model.geos[0]}.${resolved.model.id}` : ''}.`;
  }
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
