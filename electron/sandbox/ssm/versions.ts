/**
 * A parameter's version history as Parameter Store keeps it: the 100 most recent versions, the
 * oldest dropped for a new one unless it carries a label, and labels that name one version each.
 */
import { fail } from '../errors';
import type { SsmParameter, SsmParameterVersion } from '../state';

/** Parameter Store keeps this many versions of a parameter. */
export const MAX_VERSIONS = 100;
/** A version carries at most this many labels. */
export const MAX_LABELS_PER_VERSION = 10;

/** Every kept version, oldest first; the last one is the parameter itself, so changes to it change the latest. */
export function versionsOf(p: SsmParameter): SsmParameterVersion[] {
  return [...(p.history ?? []), p];
}

/** The kept version with that number, if any. */
export function findVersion(p: SsmParameter, version: number): SsmParameterVersion | undefined {
  return versionsOf(p).find((v) => v.version === version);
}

/** A version's labels (none in state files written before labels were kept). */
export function labelsOf(v: SsmParameterVersion): string[] {
  return v.labels ?? [];
}

/** AWS's error for a version number the parameter does not (or no longer) have. */
export function versionNotFound(name: string, version: number): never {
  fail('ParameterVersionNotFound', `Systems Manager could not find version ${version} of ${name}. Verify the version and try again.`);
}

// A plain copy of the latest version's own fields, to keep in the history.
function snapshot(p: SsmParameter): SsmParameterVersion {
  return {
    type: p.type,
    value: p.value,
    version: p.version,
    lastModified: p.lastModified,
    description: p.description,
    keyId: p.keyId,
    tier: p.tier,
    dataType: p.dataType,
    allowedPattern: p.allowedPattern,
    labels: [...labelsOf(p)],
  };
}

/**
 * The earlier versions once a new version of `p` is written. Past 100 versions the oldest goes,
 * unless it has a label: then PutParameter fails rather than delete it.
 */
export function historyAfterOverwrite(p: SsmParameter): SsmParameterVersion[] {
  const history = [...(p.history ?? []), snapshot(p)];
  if (history.length < MAX_VERSIONS) return history;
  const oldest = history[0]!;
  if (labelsOf(oldest).length > 0) {
    fail(
      'ParameterMaxVersionLimitExceeded',
      `You attempted to create a new version of ${p.name} by calling the PutParameter API with the overwrite flag. Version ${oldest.version}, the oldest version, can't be deleted because it has a label associated with it. Move the label to another version of the parameter, and try again.`,
    );
  }
  return history.slice(1);
}

/** True when a label meets Parameter Store's rules (letters, digits, `.-_`, at most 100, not starting with a digit, aws or ssm). */
export function isValidLabel(label: string): boolean {
  return /^[a-zA-Z0-9_.-]{1,100}$/.test(label) && !/^(\d|aws|ssm)/i.test(label);
}

/** Attaches the labels to one version, moving any that another version carries; returns the labels refused as invalid. */
export function attachLabels(p: SsmParameter, target: SsmParameterVersion, labels: string[]): string[] {
  const invalid = labels.filter((l) => !isValidLabel(l));
  const added = [...new Set(labels.filter(isValidLabel))].filter((l) => !labelsOf(target).includes(l));
  if (labelsOf(target).length + added.length > MAX_LABELS_PER_VERSION) fail('ParameterVersionLabelLimitExceeded', 'A parameter version can have a maximum of ten labels.');
  // A label names one version of a parameter: attaching it elsewhere moves it here.
  for (const v of versionsOf(p)) if (v !== target && labelsOf(v).some((l) => added.includes(l))) v.labels = labelsOf(v).filter((l) => !added.includes(l));
  target.labels = [...labelsOf(target), ...added];
  return invalid;
}

/** Removes the labels from one version; returns those removed and those the version did not carry. */
export function detachLabels(target: SsmParameterVersion, labels: string[]): { removed: string[]; invalid: string[] } {
  const removed = labels.filter((l) => labelsOf(target).includes(l));
  target.labels = labelsOf(target).filter((l) => !removed.includes(l));
  return { removed, invalid: labels.filter((l) => !removed.includes(l)) };
}
