/**
 * `berth docker-hub status|login|logout`: the account's Docker Hub credentials for ECR's
 * pull-through cache. `login USERNAME` reads the access token from stdin, never from the
 * command line (argv is visible to every process and lands in shell history).
 */
import { DOCKER_HUB_SECRET_NAME } from '../../../shared/domain/docker-hub';
import { removeDockerHubCredentials, saveDockerHubCredentials, storedDockerHubAccount } from '../../aws/docker-hub';
import { UsageError, type Command } from '../command';
import { CONNECTION_OPTIONS, connectFromOptions, withAwsErrors } from './aws-options';
import { valueFromStdin } from './config';

const ACTIONS = ['status', 'login', 'logout'] as const;

export const dockerHubCommand: Command = withAwsErrors({
  name: 'docker-hub',
  usage: 'berth docker-hub status | login USERNAME (access token on stdin) | logout  [--profile P] [--region R] [--endpoint URL] [--json]',
  summary: 'Store the Docker Hub account ECR’s pull-through cache signs in with (Secrets Manager), or remove it',
  options: { ...CONNECTION_OPTIONS },
  async run(run) {
    const [action, ...rest] = run.positionals;
    if (!action || !(ACTIONS as readonly string[]).includes(action)) throw new UsageError(`Say what to do: ${ACTIONS.join(', ')}`);
    if (action === 'login' && rest.length !== 1) throw new UsageError('docker-hub login takes exactly one USERNAME (your Docker ID)');
    if (action !== 'login' && rest.length > 0) throw new UsageError(`docker-hub ${action} takes no arguments`);
    // Read stdin before connecting, so a missing token fails fast.
    const token = action === 'login' ? valueFromStdin(await run.io.readStdin()) : undefined;
    if (action === 'login' && !token) throw new UsageError('docker-hub login reads the access token from stdin, e.g. `printf %s "$DOCKER_TOKEN" | berth docker-hub login yourname`; stdin was empty');

    const { conn } = await connectFromOptions(run);
    const client = conn.clients.secretsManager;
    if (action === 'status') {
      const account = await storedDockerHubAccount(client);
      if (run.json) run.io.out(JSON.stringify({ account: account ?? null }));
      else if (account) run.io.out(`Docker Hub images are pulled signed in as ${account.username} (secret ${DOCKER_HUB_SECRET_NAME}${account.changedAt ? `, saved ${account.changedAt}` : ''}).`);
      else run.io.out('No Docker Hub account is stored: other Docker Hub images are pulled anonymously (10 pulls an hour per address).');
      return 0;
    }
    if (action === 'login') {
      const account = await saveDockerHubCredentials(client, { username: rest[0]!, accessToken: token! });
      run.io.out(run.json ? JSON.stringify({ account }) : `Stored the Docker Hub account ${account.username} as ${DOCKER_HUB_SECRET_NAME}. The next \`berth up\` adds the Docker Hub cache to the bootstrap stack.`);
      return 0;
    }
    await removeDockerHubCredentials(client);
    run.io.out(run.json ? JSON.stringify({ removed: true }) : 'Removed the Docker Hub account. The next `berth up` removes the Docker Hub cache; images it cached stay in ECR.');
    return 0;
  },
});
