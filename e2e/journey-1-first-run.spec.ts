// Journey 1: first run without credentials → the local sandbox → open a Defang sample → its
// diagnostics → preview with diagram and cost → set the missing secrets → deploy → URLs → logs.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expectAccessible } from './a11y';
import { copySample, expect, snap, test } from './fixtures';
import { deployFromUi } from './steps';

test('first run: sandbox, a Defang sample from diagnostics to deployed URLs and live logs', async ({ appPage: page, app }) => {
  const dir = await copySample(app, 'fastapi-postgres');

  // No credentials on this machine: the app opens on Connect and offers the sandbox.
  await expect(page.getByRole('heading', { level: 2, name: 'Connect' })).toBeVisible();
  await expect(page.getByTestId('where-account')).toHaveText('Not connected');
  const sandboxCard = page.getByRole('region', { name: 'Try Berth in the local sandbox' });
  await expect(sandboxCard).toContainText('No AWS credentials were found');
  await snap(page, '01-connect-first-run');
  await expectAccessible(page, 'Connect (first run)');
  await sandboxCard.getByRole('button', { name: 'Start the local sandbox' }).click();

  // Connected to the sandbox, labelled as such; on to Projects.
  await expect(page.getByRole('heading', { level: 2, name: 'Projects' })).toBeVisible();
  await expect(page.getByRole('banner').getByText('Local sandbox')).toBeVisible();
  await expect(page.getByTestId('where-account')).toContainText('Account');
  await snap(page, '02-projects');
  await expectAccessible(page, 'Projects');

  // Open the sample as upstream has it: its public service has no healthcheck, and the file says where.
  await page.getByLabel('Folder path').fill(dir);
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Project fastapi-postgres' })).toBeVisible();
  const problem = page.getByTestId('diagnostic').filter({ hasText: 'no healthcheck' });
  await expect(problem).toContainText('line 3');
  await expect(page.getByRole('table', { name: 'Required config' })).toContainText('POSTGRES_PASSWORD');
  await snap(page, '03-project-diagnostics');
  await expectAccessible(page, 'Project (diagnostics)');

  // Add the healthcheck the fix suggests, and check again (the sample's own sources and Dockerfile build).
  const composeFile = join(dir, 'compose.yaml');
  const healthcheck = '    healthcheck:\n      test: ["CMD", "curl", "-f", "http://localhost:8000/"]\n';
  await writeFile(composeFile, (await readFile(composeFile, 'utf8')).replace('  fastapi:\n', `  fastapi:\n${healthcheck}`));
  await page.getByRole('button', { name: 'Check again' }).click();
  await expect(page.getByTestId('diagnostic').filter({ hasText: 'no healthcheck' })).toHaveCount(0);
  await expect(page.getByRole('table', { name: 'Services' })).toContainText('fastapi');

  // Preview: a drawn architecture and the cost of every mode.
  await page.getByRole('button', { name: 'Preview what will be created' }).click();
  const diagram = page.getByRole('img', { name: 'Architecture diagram' });
  await expect(diagram).toBeVisible();
  await expect(diagram.locator('[data-node-kind="alb"]')).toHaveCount(1);
  await expect(diagram.locator('[data-node-kind="service"]')).toHaveCount(2);
  await expect(diagram.locator('[data-edge-kind="traffic"]').first()).toBeVisible();
  for (const mode of ['affordable', 'balanced', 'high_availability']) await expect(page.getByTestId(`cost-total-${mode}`)).toContainText('$');
  // How names resolve: DB_URL keeps `db` as written, and the db service answers it through the search domain.
  const names = page.getByRole('table', { name: 'How names resolve' });
  const dbRow = names.getByRole('row').filter({ hasText: 'DB_URL' });
  await expect(dbRow).toContainText('fastapi');
  await expect(dbRow.getByRole('cell').nth(2)).toHaveText('db');
  await expect(dbRow).toContainText('The db service');
  await expect(dbRow).toContainText('db.fastapi-postgres.internal');
  await expect(names.locator('tr[data-answer="nothing"]')).toHaveCount(0);
  await snap(page, '04-preview');
  await expectAccessible(page, 'Preview (diagram and costs)');

  // Secrets: the missing value blocks deploying until it is set.
  await page.getByRole('button', { name: 'Check secrets' }).click();
  await expect(page.getByRole('button', { name: /Deploy \(1 missing\)/ })).toBeDisabled();
  await expectAccessible(page, 'Secrets (missing)');
  await page.getByRole('button', { name: 'Generate POSTGRES_PASSWORD' }).click();
  await expect(page.getByRole('table', { name: 'Config values' })).toContainText('Set');
  await snap(page, '05-secrets');
  await expectAccessible(page, 'Secrets (all set)');
  await page.getByRole('button', { name: 'Deploy', exact: true }).click();

  // Deploy, reviewing the changes first.
  await expect(page.getByRole('heading', { level: 2, name: 'Deploy' })).toBeVisible();
  const outcome = await deployFromUi(page, { shot: '06-deploy', review: () => expectAccessible(page, 'Deploy (change-set review)') });
  expect(outcome).toContain('Deployed');
  await expect(page.getByTestId('deployed-url').first()).toContainText(/^https?:\/\//);
  await expect(page.getByRole('table', { name: 'Services starting' })).toContainText('healthy');
  await expectAccessible(page, 'Deploy (deployed, URLs)');

  // Logs stream in.
  await page.getByRole('button', { name: 'Watch the logs' }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Logs' })).toBeVisible();
  await expect(page.getByTestId('log-row').first()).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('log-status')).not.toHaveText('connecting');
  await snap(page, '07-logs');
  await expectAccessible(page, 'Logs');
});
