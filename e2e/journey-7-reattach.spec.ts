// Journey 7: main restarts in the middle of a deployment → the page re-attaches by itself and
// the deployment completes.
import { join } from 'node:path';
import { expectAccessible } from './a11y';
import { expect, openProject, snap, test } from './fixtures';
import { DEPLOY_TIMEOUT, pythonService, writeFiles } from './steps';

const COMPOSE = `name: phoenix
services:
  web:
    build: ./web
    ports:
      - "8000:8000"
    healthcheck:
      test: ["CMD", "curl", "-f", "http://localhost:8000/"]
`;

// AWS at ten times its real pace: creating the load balancer takes about eighteen seconds, so
// even a busy CI machine restarts main while the stack operation is still under way.
test.use({ sandboxOptions: { speed: 'realistic', speedFactor: 0.1 } });

test('a deployment survives main restarting: the page re-attaches and it completes', async ({ appPage: page, app, sandbox }) => {
  void sandbox;
  const dir = join(app.workDir, 'phoenix');
  await writeFiles(dir, { 'compose.yaml': COMPOSE });
  await writeFiles(join(dir, 'web'), pythonService('rises again'));

  await page.reload();
  await openProject(page, dir);
  await page.getByRole('link', { name: 'Deploy', exact: true }).click();
  await page.getByRole('button', { name: 'Deploy', exact: true }).click();
  await page.getByRole('button', { name: 'Apply changes' }).click({ timeout: DEPLOY_TIMEOUT });

  // Mid-deploy: the project's resources are being created in AWS.
  const timeline = page.getByRole('region', { name: 'Resource events' });
  await expect(timeline.getByText('Creating').first()).toBeVisible({ timeout: DEPLOY_TIMEOUT });
  await expect(page.locator('[data-phase="stack"]')).toHaveAttribute('data-state', 'running');

  // The app's main side goes away and comes back (same data folder, same address).
  await app.restart();
  await snap(page, 'right-after-restart');
  await expectAccessible(page, 'Deploy (in progress, re-attaching)');

  // The page notices, connects again, finds the deployment still under way and follows it to the end.
  await expect(page.getByTestId('deploy-outcome')).toContainText('Deployed', { timeout: DEPLOY_TIMEOUT });
  await expect(page.getByTestId('where-account')).toContainText('000000000000');
  await expect(page.getByTestId('deployed-url').first()).toBeVisible();
  await snap(page, 'completed-after-restart');
  await expectAccessible(page, 'Deploy (completed after restart)');
  const history = page.getByRole('table', { name: 'Deployment history' });
  await expect(history.getByText('succeeded', { exact: true })).toHaveCount(1);
});
