/**
 * IAM for Bedrock calls made with a role session: the role's inline policies must allow the
 * operation's action on every resource it touches. The sandbox's own user may do anything.
 */
import type { SandboxCore } from '../core';
import { fail } from '../errors';
import type { RoleCaller } from '../iam/sessions';
import { deniedMessage, evaluateRole, type RequestContext } from '../iam/policy';

/** Refuses the call (AccessDeniedException, 403) at the first resource the action is not allowed on; `[undefined]` for actions without a resource. */
export function authorize(core: SandboxCore, caller: RoleCaller | undefined, action: string, resources: (string | undefined)[], context: RequestContext = {}): void {
  if (!caller) return;
  for (const resource of resources) {
    const decision = evaluateRole(core, caller.roleArn, action, resource ?? '*', context);
    if (decision !== 'allow') fail('AccessDeniedException', deniedMessage(caller.arn, action, resource, decision), 403);
  }
}
