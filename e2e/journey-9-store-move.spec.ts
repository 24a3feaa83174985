// Journey 9: a project an earlier Berth deployed on the bootstrap's shared network, with a managed
// database and cache, deployed again. The review says the stores move into the project's own
// network (services stopped, snapshots, restore) before anything changes; after the deploy the
// inventory lists the snapshots the move took.
import { CloudFormationClient, CreateStackCommand, DescribeStacksCommand, waitUntilStackCreateComplete } from '@aws-sdk/client-cloudformation';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SANDBOX_CREDENTIALS } from '../electron/aws/sandbox-credentials';
import { expectAccessible } from './a11y';
import { expect, openProject, snap, test } from './fixtures';
import { deployFromUi, writeFiles } from './steps';

const FIXTURES = join(__dirname, '..', 'tests', 'deploy', 'fixtures', 'shared-network');
const CAPABILITIES = ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM'] as const;

/** Creates a stack from a fixture of what the earlier Berth generated; returns its outputs. */
async function createFixtureStack(cfn: CloudFormationClient, file: string, parameters: Record<string, string> = {}): Promise<Record<string, string>> {
  const { stackName, template } = JSON.parse(await readFile(join(FIXTURES, file), 'utf8')) as { stackName: string; template: unknown };
  await cfn.send(
    new CreateStackCommand({
      StackName: stackName,
      TemplateBody: JSON.stringify(template),
      Capabilities: [...CAPABILITIES],
      Parameters: Object.entries(parameters).map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue })),
    }),
  );
  await waitUntilStackCreateComplete({ client: cfn, maxWaitTime: 60, minDelay: 1 }, { StackName: stackName });
  const stack = (await cfn.send(new DescribeStacksCommand({ StackName: stackName }))).Stacks![0]!;
  return Object.fromEntries((stack.Outputs ?? []).map((o) => [o.OutputKey!, o.OutputValue!]));
}

test('a project on the old shared network moves its database and cache into its own network', async ({ appPage: page, app, sandbox }) => {
  const dir = join(app.workDir, 'moving-app');
  await writeFiles(dir, { 'compose.yaml': await readFile(join(FIXTURES, 'compose.yaml'), 'utf8') });
  await app.call('secrets:set', { dir, name: 'POSTGRES_PASSWORD', value: 'e2e-move-password-7Hq2' });
  const cfn = new CloudFormationClient({ region: sandbox.region, endpoint: sandbox.endpoint, credentials: { ...SANDBOX_CREDENTIALS } });
  const shared = await createFixtureStack(cfn, 'bootstrap.json');
  await createFixtureStack(cfn, 'project.json', Object.fromEntries(['ClusterArn', 'ClusterName', 'PrivateSubnetIds', 'PublicSubnetIds', 'VpcId'].map((k) => [k, shared[k]!])));

  await page.reload();
  await openProject(page, dir);
  await page.getByRole('link', { name: 'Deploy' }).click();
  await page.getByText('Balanced', { exact: true }).click();
  await expect(page.getByRole('radio', { name: 'Balanced' })).toBeChecked();
  const outcome = await deployFromUi(page, {
    shot: 'deploy-store-move',
    review: async (changes) => {
      const moves = changes.getByRole('note', { name: 'db and cache move into the project’s own network' });
      await expect(moves).toContainText('stops the project’s services');
      await expect(moves).toContainText(/berth-moving-app-db-move-\d+/);
      await expect(changes.locator('[data-change="replace"]').filter({ hasText: 'DbDatabase' })).toBeVisible();
      await expectAccessible(page, 'Deploy review (stores move)');
    },
  });
  expect(outcome).toMatch(/Deployed|succeeded|live/i);

  await page.getByRole('link', { name: 'Inventory' }).click();
  const region = page.getByRole('region', { name: 'Region us-east-1' });
  await expect(region).toContainText(/Database snapshot berth-moving-app-db-move-\d+ \(moving-app\)/);
  await expect(region).toContainText(/Cache snapshot berth-moving-app-cache-move-\d+ \(moving-app\)/);
  await snap(page, 'inventory-move-snapshots');
  expect(await page.content()).not.toContain('e2e-move-password-7Hq2');
});
