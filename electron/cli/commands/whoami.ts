/** `berth whoami`: the account, identity and region the connection flags resolve to. */
import type { Command } from '../command';
import { CONNECTION_OPTIONS, connectFromOptions, withAwsErrors } from './aws-options';

export const whoamiCommand: Command = withAwsErrors({
  name: 'whoami',
  usage: 'berth whoami [--profile P] [--region R] [--endpoint URL] [--json]',
  summary: 'Show the AWS account, identity and region Berth would use',
  options: { ...CONNECTION_OPTIONS },
  async run(run) {
    const { status } = await connectFromOptions(run);
    const identity = status.identity!;
    const target = status.target!;
    if (run.json) {
      run.io.out(JSON.stringify({ identity, target }));
    } else {
      run.io.out(`Account:  ${identity.account}`);
      run.io.out(`Identity: ${identity.arn} (${identity.principalKind})`);
      run.io.out(`Region:   ${target.region}`);
      if (target.profile) run.io.out(`Profile:  ${target.profile}`);
      if (target.endpoint) run.io.out(`Endpoint: ${target.endpoint}${target.sandbox ? ' (Berth sandbox)' : ''}`);
    }
    return 0;
  },
});
