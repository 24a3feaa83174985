/** Project and service name rules: Compose's normalisation plus what AWS names and DNS accept. */

/** Longest project name Berth accepts (it prefixes stacks, DNS namespaces and parameters). */
export const MAX_PROJECT_NAME = 63;

/** Compose's own rule for a project name. */
const PROJECT_NAME = /^[a-z0-9][a-z0-9_-]*$/;

/**
 * A folder name turned into a project name: lower case, `_` and spaces to `-`, other characters
 * dropped, leading non-alphanumerics trimmed. (Compose keeps `_` here; Berth has always turned
 * it into `-`, and keeps doing so, so a project deployed from its folder keeps its stack.) Empty
 * when nothing usable is left.
 */
export function normaliseProjectName(input: string): string {
  return input
    .toLowerCase()
    .replace(/[_\s]+/g, '-')
    .replace(/[^a-z0-9-]/g, '')
    .replace(/^[^a-z0-9]+/, '')
    .replace(/-+$/, '')
    .slice(0, MAX_PROJECT_NAME)
    .replace(/-+$/, '');
}

/** Why a project name written by the user is refused, or null when it is fine. */
export function projectNameProblem(name: string): string | null {
  if (name === '') return 'The project name is empty.';
  if (name.length > MAX_PROJECT_NAME) return `The project name "${name}" is longer than ${MAX_PROJECT_NAME} characters.`;
  if (!PROJECT_NAME.test(name)) {
    return `The project name "${name}" may only hold lower-case letters, digits, dashes and underscores, starting with a letter or digit (Compose's rule; it becomes the DNS zone ${name}.internal).`;
  }
  return null;
}

/** Why a service name cannot be a DNS label in `<service>.<project>.internal`, or null when it can. */
export function serviceNameProblem(name: string): string | null {
  if (name.includes('.')) return `The service name "${name}" holds a dot, so it cannot be one DNS label in ${name}.<project>.internal.`;
  if (name.length > 63) return `The service name "${name}" is longer than 63 characters, the limit of a DNS label.`;
  if (name.startsWith('-') || name.endsWith('-')) return `The service name "${name}" starts or ends with a dash, which DNS names do not allow.`;
  return null;
}
