/**
 * Role sessions: the temporary credentials a task role gives its containers (`ASIA…` keys with a
 * session token), issued by `sandbox.roleCredentials` and kept with the state. A request signed
 * with one runs as `arn:aws:sts::<account>:assumed-role/<role>/<session>`.
 */
import { randomBytes } from 'node:crypto';
import type { SandboxCore } from '../core';
import { SANDBOX_ACCESS_KEY_ID } from '../identity';
import type { RoleSession } from '../state';
import { findRole } from './policy';

/** Who a request runs as, when it is not the sandbox's own user. */
export interface RoleCaller {
  roleArn: string;
  roleName: string;
  sessionName: string;
  /** `arn:aws:sts::000000000000:assumed-role/<role>/<session>` */
  arn: string;
  /** `<role id>:<session>`, as GetCallerIdentity's UserId. */
  userId: string;
}

// STS's RoleSessionName constraint.
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const KEY_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function keyId(): string {
  return `ASIA${[...randomBytes(16)].map((b) => KEY_CHARS[b % KEY_CHARS.length]).join('')}`;
}

/** The role name: the last part of its ARN's path (`role/app/web` → `web`). */
export function roleNameOf(roleArn: string): string {
  return roleArn.split('/').pop() ?? roleArn;
}

/** Issues credentials for a session of a role the sandbox holds (CloudFormation-created). */
export function issueRoleSession(core: SandboxCore, roleArn: string, sessionName = 'berth-sandbox-session'): RoleSession {
  if (!findRole(core, roleArn)) throw new Error(`No IAM role ${roleArn} in the sandbox: create it with a CloudFormation stack first (AWS::IAM::Role).`);
  if (!SESSION_NAME.test(sessionName)) throw new Error(`Session name "${sessionName}" is not valid: 2-64 characters of letters, digits and +=,.@_-, as STS requires.`);
  const session: RoleSession = {
    accessKeyId: keyId(),
    secretAccessKey: randomBytes(30).toString('base64'),
    // Says what it is: a token only this sandbox accepts.
    sessionToken: `BerthSandboxSessionToken/${randomBytes(48).toString('base64')}`,
    roleArn,
    sessionName,
    issuedAt: Date.now(),
  };
  core.state.iam.sessions.set(session.accessKeyId, session);
  core.changed();
  return session;
}

/** The role caller a session's key stands for. */
export function callerOf(core: SandboxCore, session: RoleSession): RoleCaller {
  const roleName = roleNameOf(session.roleArn);
  const roleId = String(findRole(core, session.roleArn)?.attributes.RoleId ?? 'AROABERTHSANDBOXROLE0');
  return {
    roleArn: session.roleArn,
    roleName,
    sessionName: session.sessionName,
    arn: `arn:aws:sts::${core.account}:assumed-role/${roleName}/${session.sessionName}`,
    userId: `${roleId}:${session.sessionName}`,
  };
}

/**
 * Who signed a request: the sandbox's own user, a role session (whose token must come with it),
 * or nobody the sandbox knows (undefined: the server refuses it).
 */
export function authenticate(core: SandboxCore, accessKeyId: string, securityToken: string | undefined): { kind: 'sandbox' } | { kind: 'role'; caller: RoleCaller } | undefined {
  if (accessKeyId === SANDBOX_ACCESS_KEY_ID) return { kind: 'sandbox' };
  const session = core.state.iam.sessions.get(accessKeyId);
  if (!session || securityToken !== session.sessionToken) return undefined;
  return { kind: 'role', caller: callerOf(core, session) };
}
