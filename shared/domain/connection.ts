/** AWS connections: profiles as the CLI reads them, the identity they resolve to, the sandbox. */

export type ProfileKind =
  | 'static'
  | 'sso'
  | 'sso-legacy'
  | 'assume-role'
  | 'credential-process'
  | 'web-identity'
  | 'environment'
  | 'unknown';

export interface AwsProfile {
  name: string;
  kind: ProfileKind;
  region?: string;
  /** Where the profile was found. */
  sources: ('config' | 'credentials' | 'environment')[];
  /** Set when the SDK and the CLI would use different credentials for this profile. */
  conflict?: string;
  ssoStartUrl?: string;
}

/** How to reach AWS: a profile (or the environment), a region, an optional custom endpoint. */
export interface ConnectionTarget {
  /** Profile name; undefined means the default credential chain (env vars, then `default`). */
  profile?: string;
  region: string;
  /** Custom endpoint (LocalStack, the sandbox). */
  endpoint?: string;
  /** True when this connection is Berth's local sandbox, shown as such everywhere. */
  sandbox?: boolean;
}

export interface CallerIdentity {
  account: string;
  arn: string;
  userId: string;
  /** `user`, `role` or `root`, from the ARN. */
  principalKind: 'user' | 'role' | 'root' | 'other';
}

export interface ConnectionStatus {
  target: ConnectionTarget | null;
  identity: CallerIdentity | null;
}

export interface ProfilesOverview {
  profiles: AwsProfile[];
  /** Profile the CLI would use without `--profile` (AWS_PROFILE or `default`). */
  defaultProfile?: string;
  /** Region the CLI would resolve for the default profile. */
  defaultRegion?: string;
  /** True when no credentials exist at all: the UI offers the sandbox. */
  noCredentials: boolean;
  configFile: string;
  credentialsFile: string;
}

export interface SsoSignIn {
  profile: string;
  verificationUri: string;
  userCode: string;
  expiresAt: string;
}

/** Account and region a project first deployed to; later deploys must match. */
export interface ConnectionPin {
  account: string;
  region: string;
  pinnedAt: string;
}
