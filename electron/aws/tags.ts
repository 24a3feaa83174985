/** The tags that mark what Berth owns: every resource gets managed-by, project resources also the project. */

export const MANAGED_BY_KEY = 'berth:managed-by';
export const MANAGED_BY_VALUE = 'berth';
export const PROJECT_KEY = 'berth:project';

export interface Tag {
  Key: string;
  Value: string;
}

/** Tags for something Berth owns, optionally belonging to one project. */
export function berthTags(project?: string): Tag[] {
  const tags: Tag[] = [{ Key: MANAGED_BY_KEY, Value: MANAGED_BY_VALUE }];
  if (project) tags.push({ Key: PROJECT_KEY, Value: project });
  return tags;
}

/** Reads the project tag from a tag list (any casing of the Key/Value fields the SDKs use). */
export function projectOf(tags: readonly { Key?: string; Value?: string }[] | undefined): string | undefined {
  return tags?.find((t) => t.Key === PROJECT_KEY)?.Value;
}

/** True when a tag list carries berth:managed-by=berth. */
export function isManagedByBerth(tags: readonly { Key?: string; Value?: string }[] | undefined): boolean {
  return Boolean(tags?.some((t) => t.Key === MANAGED_BY_KEY && t.Value === MANAGED_BY_VALUE));
}
