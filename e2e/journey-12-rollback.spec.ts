// Journey 12: a way back. v1 deploys; v2 goes out with a typo in a service address; the History
// compares the two (the compose change shown as a diff) and puts v1 back in one action: the
// dialog says what comes back and what does not, the changes are reviewed as in any deploy, and
// the rollback is itself a deployment in the history.
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { writeFile } from 'node:fs/promises';
import { SANDBOX_KEYS } from '../electron/sandbox';
import { join } from 'node:path';
import { expectAccessible } from './a11y';
import { expect, openProject, snap, test } from './fixtures';
import { deployFromUi, writeFiles } from './steps';

const compose = (apiUrl: string, release: string) => `name: storefront
services:
  web:
    image: nginx:1.27
    ports: ["80:80"]
    environment:
      - RELEASE=${release}
      - API_URL=${apiUrl}
`;

test('deploy v1, deploy a broken v2, compare them, roll back to v1 with the changes shown first', async ({ appPage: page, app, sandbox }) => {
  void sandbox;
  const dir = join(app.workDir, 'storefront');
  await writeFiles(dir, { 'compose.yaml': compose('http://api.example.com', '1') });
  await page.reload();
  await openProject(page, dir);

  await page.getByRole('link', { name: 'Deploy' }).click();
  expect(await deployFromUi(page)).toMatch(/deployed|running/i);
  await writeFile(join(dir, 'compose.yaml'), compose('http://apu.example.com', '2'));
  expect(await deployFromUi(page)).toMatch(/deployed|running/i);

  // Compare: tick both; the compose change is shown line by line.
  const history = page.getByRole('table', { name: 'Deployment history' });
  await expect(history.getByRole('row')).toHaveCount(3);
  const rows = history.locator('tbody tr');
  await rows.nth(0).getByRole('checkbox').check();
  await rows.nth(1).getByRole('checkbox').check();
  const comparison = page.getByRole('region', { name: 'Comparison' });
  await expect(comparison.getByLabel('Changes to compose.yaml')).toContainText('-      - API_URL=http://api.example.com');
  await expect(comparison.getByLabel('Changes to compose.yaml')).toContainText('+      - API_URL=http://apu.example.com');
  await expect(comparison.getByRole('table', { name: 'Resources compared' })).toContainText('WebTaskDefinition');
  await comparison.scrollIntoViewIfNeeded();
  await snap(page, 'history-compare');

  // Roll back: only v1 offers it (v2 runs now).
  await expect(history.getByRole('button', { name: /^Roll back to/ })).toHaveCount(1);
  await rows.nth(1).getByRole('button', { name: /^Roll back to/ }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByText('What a rollback does not undo')).toBeVisible();
  await expect(dialog.getByRole('region', { name: 'Comparison' }).getByLabel('Changes to compose.yaml')).toContainText('+      - API_URL=http://api.example.com');
  await page.screenshot({ path: test.info().outputPath('rollback-dialog.png') });
  await expectAccessible(page, 'Rollback dialog');
  await dialog.getByRole('button', { name: 'Roll back', exact: true }).click();
  await expect(dialog).toHaveCount(0);

  // The same review as a deploy, then the outcome; nothing was built.
  const changes = page.getByRole('region', { name: 'Changes to apply' });
  await expect(changes).toContainText('WebTaskDefinition');
  await expect(page.getByText('its images are used as they are').first()).toBeVisible();
  await snap(page, 'rollback-review');
  await page.getByRole('button', { name: 'Apply changes' }).click();
  await expect(page.getByTestId('deploy-outcome')).toBeVisible({ timeout: 60_000 });
  await expect(history.getByRole('row')).toHaveCount(4);
  await expect(rows.nth(0)).toContainText('rollback to');
  await expect(rows.nth(0)).toContainText('running now');
  await expect(page.getByTestId('deploy-outcome')).toContainText('Rolled back in');
  await snap(page, 'rollback-done');

  // What runs is v1 again: its task definition reads the right address.
  const records = await app.call('deploy:history', { dir });
  expect(records[0]).toMatchObject({ outcome: 'succeeded', rollbackOf: records[2]!.id, templateHash: records[2]!.templateHash });

  // A deployment from another machine that stopped reporting an hour ago holds the project.
  const bucket = (await app.call('bootstrap:status', {})).outputs?.BucketName as string;
  const s3 = new S3Client({ region: 'us-east-1', endpoint: sandbox.endpoint, forcePathStyle: true, credentials: SANDBOX_KEYS });
  const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
  const holder = { deploymentId: '20261201T090000000Z-gone01', project: 'storefront', identityArn: 'arn:aws:iam::000000000000:user/alex', host: 'alex-laptop', berthVersion: '0.9.0', account: '000000000000', region: 'us-east-1', startedAt: hourAgo, heartbeatAt: hourAgo, phase: 'build' };
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'locks/storefront.json', Body: JSON.stringify(holder) }));
  s3.destroy();
  await page.getByRole('link', { name: 'Project', exact: true }).click();
  await expect(page.getByTestId('deploy-holder')).toContainText('storefront is being deployed by arn:aws:iam::000000000000:user/alex on alex-laptop (Berth 0.9.0)');
  await snap(page, 'project-held-elsewhere');
  await page.getByRole('link', { name: 'Deploy' }).click();
  const held = page.getByTestId('deploy-holder');
  await expect(held).toContainText('It has not reported for 60 minutes');
  await expect(page.getByRole('button', { name: 'Deploy again' })).toBeDisabled();
  await snap(page, 'deploy-held-stale');
  await expectAccessible(page, 'Deploy (held by a stale deployment)');
  const takeOver = held.getByRole('button', { name: 'Take over and deploy' });
  await held.getByLabel('Type storefront to take over').fill('storefrnt');
  await expect(takeOver).toBeDisabled();
  await held.getByLabel('Type storefront to take over').fill('storefront');
  await takeOver.click();
  // The folder still holds v2: the taken-over deploy shows its changes first, as any deploy.
  await page.getByRole('button', { name: 'Apply changes' }).click();
  await expect(page.getByTestId('deploy-outcome')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('deploy-holder')).toHaveCount(0);
  await expect(rows.nth(0)).toContainText('took over from alex-laptop');
  await snap(page, 'deploy-taken-over');
  const after = await app.call('deploy:history', { dir });
  expect(after[0]!.tookOverFrom).toMatchObject({ host: 'alex-laptop', deploymentId: holder.deploymentId });
});
