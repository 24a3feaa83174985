/** STS over the query protocol: who the caller is (the sandbox's own user, labelled as such, or a role session it issued). */
import { fail } from '../errors';
import type { SandboxCore } from '../core';
import type { SandboxRequest, SandboxResponse } from '../http';
import { SANDBOX_ACCOUNT, SANDBOX_CALLER_ARN, SANDBOX_USER_ID } from '../identity';
import { parseQuery, queryResponse } from '../protocol/query';

export const STS_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';

/** Handles one STS request. */
export async function handleSts(req: SandboxRequest, _core: SandboxCore): Promise<SandboxResponse> {
  const { action } = parseQuery(req.body.toString('utf8'));
  switch (action) {
    case 'GetCallerIdentity':
      // A role session (sandbox.roleCredentials) is its assumed-role identity, as STS reports it.
      if (req.caller) return queryResponse(action, STS_NAMESPACE, { Arn: req.caller.arn, UserId: req.caller.userId, Account: SANDBOX_ACCOUNT }, req.requestId);
      return queryResponse(action, STS_NAMESPACE, { Arn: SANDBOX_CALLER_ARN, UserId: SANDBOX_USER_ID, Account: SANDBOX_ACCOUNT }, req.requestId);
    default:
      fail('InvalidAction', `The action ${action} is not valid for this web service (the Berth sandbox implements GetCallerIdentity).`);
  }
}
