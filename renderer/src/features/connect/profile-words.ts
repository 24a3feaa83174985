/** Profile kinds in words a developer recognises. */
import type { ProfileKind } from '../../../../shared/domain/connection';

export const PROFILE_KIND_WORDS: Record<ProfileKind, string> = {
  static: 'Access keys',
  sso: 'Single sign-on',
  'sso-legacy': 'Single sign-on (older setup)',
  'assume-role': 'Role from another profile',
  'credential-process': 'Credentials from a program',
  'web-identity': 'Web identity token',
  environment: 'Environment variables',
  unknown: 'Settings only, no credentials',
};

/** True for profiles that sign in through a browser (SSO). */
export function isSsoKind(kind: ProfileKind): boolean {
  return kind === 'sso' || kind === 'sso-legacy';
}
