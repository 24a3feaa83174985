// Journey 4: a failing build and a failing stack → the cause is shown in plain words, nothing
// is left half-done, and the next deploy works.
import { writeFile } from 'node:fs/promises';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { join } from 'node:path';
import { expectAccessible } from './a11y';
import { expect, openProject, snap, test } from './fixtures';
import { deployFromUi, pythonService, writeFiles } from './steps';

const COMPOSE = `name: shaky
services:
  web:
    build: ./web
    ports:
      - "8000:8000"
    environment:
      - DATABASE_URL=postgres://app:\${POSTGRES_PASSWORD}@db:5432/app
    healthcheck:
      test: ["CMD", "curl", "-f", "http://localhost:8000/"]
  db:
    image: postgres:16
    x-defang-postgres: true
    environment:
      - POSTGRES_USER=app
      - POSTGRES_DB=app
      - POSTGRES_PASSWORD
`;

test('a failing build and a failing stack explain themselves and leave nothing half-done', async ({ appPage: page, app, sandbox }) => {
  const dir = join(app.workDir, 'shaky');
  await writeFiles(dir, { 'compose.yaml': COMPOSE });
  // A Dockerfile without FROM: the image build fails.
  await writeFiles(join(dir, 'web'), { ...pythonService('web'), Dockerfile: 'WORKDIR /app\nCOPY . .\nCMD ["python", "-m", "http.server", "8000"]\n' });
  // Too short for the database. Berth refuses to store it (step 3), so it is set around Berth, as with
  // the AWS CLI: then AWS refuses it when the stack creates the database.
  await expect(app.call('secrets:set', { dir, name: 'POSTGRES_PASSWORD', value: 'short' })).rejects.toThrow(/shorter than 8 characters/);
  const ssm = new SSMClient({ endpoint: sandbox.endpoint, region: sandbox.region, credentials: sandbox.credentials, maxAttempts: 1 });
  await ssm.send(new PutParameterCommand({ Name: '/Berth/shaky/POSTGRES_PASSWORD', Value: 'short', Type: 'SecureString' }));
  ssm.destroy();

  await page.reload();
  await openProject(page, dir);
  await page.getByRole('link', { name: 'Deploy', exact: true }).click();

  // 1. The build fails: the cause and the build's own lines are shown.
  const buildFailure = await deployFromUi(page, { shot: 'failed-build' });
  expect(buildFailure).toMatch(/Failed while “build images”/);
  await expect(page.getByTestId('failure-message')).toContainText(/web/);
  await expect(page.getByLabel('Log lines around the failure')).toContainText(/build stage|FROM/i);
  // The failure names the Dockerfile line in a sentence of its own, and its log opens at the end.
  await expect(page.getByTestId('failure-message')).toContainText(/failed at Dockerfile line \d+ \(.+\): .+\.\s+Nothing was changed in the stack\./);
  const around = page.getByRole('region', { name: 'Log lines around the failure', exact: true });
  await expect.poll(() => around.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight)).toBeLessThan(30);
  await expect(page.locator('[data-phase="build"]')).toHaveAttribute('data-state', 'failed');
  // Nothing half-done: the project's resources were never touched.
  await expect(page.locator('[data-phase="stack"]')).toHaveAttribute('aria-label', 'Create resources: not run');
  await expectAccessible(page, 'Deploy (build failed)');
  const afterBuild = await app.call('inventory:list', {});
  expect(afterBuild.flatMap((r) => r.stacks).map((s) => s.stackName)).not.toContain('berth-shaky');

  // 2. Fix the Dockerfile; now the stack fails on the database password.
  await writeFile(join(dir, 'web', 'Dockerfile'), pythonService('web').Dockerfile!);
  const stackFailure = await deployFromUi(page, { shot: 'failed-stack' });
  expect(stackFailure).toMatch(/Failed while “create resources”/);
  await expect(page.getByTestId('deploy-outcome')).toContainText(/password/i);
  await expect(page.getByTestId('deploy-outcome')).toContainText(/8 characters/);
  await expectAccessible(page, 'Deploy (stack failed)');

  // Nothing half-done: the inventory shows no project resources stuck in a failed state.
  await page.getByRole('link', { name: 'Inventory' }).click();
  const region = page.getByRole('region', { name: /Region/ });
  await expect(region).toBeVisible();
  await expect(region).not.toContainText(/Could not create|Could not undo|Could not delete/);
  await snap(page, 'inventory-after-failures');
  await expectAccessible(page, 'Inventory (after failures)');

  // 3. The Secrets screen refuses the same short password, with the reason; a random one fits.
  await page.getByRole('link', { name: 'Secrets' }).click();
  await page.getByRole('button', { name: 'Change POSTGRES_PASSWORD' }).click();
  const modal = page.getByRole('dialog', { name: 'Set POSTGRES_PASSWORD' });
  await modal.getByLabel('Value').fill('short');
  await modal.getByRole('button', { name: 'Save' }).click();
  await expect(modal).toContainText('which AWS refuses because it is shorter than 8 characters');
  await snap(page, 'secrets-password-refused');
  await modal.getByRole('button', { name: 'Cancel' }).click();
  await page.getByRole('button', { name: 'More actions for POSTGRES_PASSWORD' }).click();
  await expect(page.getByRole('menuitem', { name: 'Replace with a random value' })).toBeVisible();
  await expectAccessible(page, 'Secrets (actions menu)');
  await page.getByRole('menuitem', { name: 'Replace with a random value' }).click();
  await page.getByRole('link', { name: 'Deploy', exact: true }).click();
  const fixed = await deployFromUi(page, { shot: 'deploy-after-fixes' });
  expect(fixed).toContain('Deployed');
  const history = page.getByRole('table', { name: 'Deployment history' });
  await expect(history).toContainText('succeeded');
  await expect(history.getByText('failed', { exact: true })).toHaveCount(2);
});
