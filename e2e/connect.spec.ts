// The Connect screen with real profile files: kinds, regions, the SSO-vs-keys conflict, and
// connecting through a custom endpoint (here the local sandbox, reached as any AWS-compatible service).
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { SANDBOX_ACCOUNT, SANDBOX_KEYS } from '../electron/sandbox/index';
import { expectAccessible } from './a11y';
import { expect, snap, test } from './fixtures';

test('profiles show their kind, region and conflicts; a custom endpoint connects', async ({ page, app }) => {
  const configFile = process.env.AWS_CONFIG_FILE!;
  const credentialsFile = process.env.AWS_SHARED_CREDENTIALS_FILE!;
  await mkdir(dirname(configFile), { recursive: true });
  await writeFile(
    configFile,
    [
      '[default]',
      'region = eu-west-1',
      '',
      '[profile work]',
      'sso_session = corp',
      'sso_account_id = 111122223333',
      'sso_role_name = Developer',
      'region = us-west-2',
      '',
      '[sso-session corp]',
      'sso_start_url = https://corp.awsapps.com/start',
      'sso_region = us-east-1',
      '',
      '[profile local]',
      'region = us-east-1',
      '',
    ].join('\n'),
  );
  await writeFile(
    credentialsFile,
    ['[work]', 'aws_access_key_id = AKIAOLDKEYS', 'aws_secret_access_key = old', '', '[local]', `aws_access_key_id = ${SANDBOX_KEYS.accessKeyId}`, `aws_secret_access_key = ${SANDBOX_KEYS.secretAccessKey}`, ''].join('\n'),
  );
  // An AWS-compatible endpoint to point the profile at: the app's own sandbox, not connected to.
  const sandbox = await app.call('sandbox:start', {});
  const endpoint = sandbox.endpoint!;
  await page.goto(app.bridge.url);

  const table = page.getByRole('table', { name: 'AWS profiles' });
  const row = (profile: string) => table.getByRole('row').filter({ has: page.getByRole('radio', { name: `Use profile ${profile}` }) });
  await expect(row('work')).toContainText('Single sign-on');
  await expect(row('work')).toContainText('us-west-2');
  await expect(page.getByRole('note', { name: 'Warning about profile work' })).toContainText('static access keys');
  await expect(row('local')).toContainText('Access keys');
  // Not the first run: the sandbox is offered, but not in the way.
  await expect(page.getByRole('region', { name: 'Try Berth in the local sandbox' })).not.toContainText('No AWS credentials were found');
  await snap(page, 'connect-profiles');
  await expectAccessible(page, 'Connect (profiles, SSO conflict)');

  await page.getByRole('radio', { name: 'Use profile local' }).check();
  await page.getByRole('button', { name: 'Custom endpoint (LocalStack, …)' }).click();
  await page.getByLabel('Custom endpoint').fill(endpoint);
  await page.getByRole('textbox', { name: 'Region' }).or(page.getByRole('combobox', { name: 'Region' })).first().click();
  await expect(page.getByRole('option', { name: 'us-east-1' })).toBeVisible();
  await expectAccessible(page, 'Connect (custom endpoint, region list open)');
  await page.getByRole('option', { name: 'us-east-1' }).click();
  await page.getByRole('button', { name: 'Connect', exact: true }).click();

  const current = page.getByRole('region', { name: 'Current connection' });
  await expect(current).toContainText('Connected');
  await expect(current).toContainText('profile local');
  await expect(current).toContainText(endpoint);
  await expect(page.getByTestId('where-account')).toContainText(SANDBOX_ACCOUNT);
  await snap(page, 'connect-connected');
  await expectAccessible(page, 'Connect (connected)');
});
