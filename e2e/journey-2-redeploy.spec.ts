// Journey 2: redeploy unchanged → "nothing to change", fast; change a file → only that service
// is rebuilt, and the diff is shown before it runs.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expectAccessible } from './a11y';
import { expect, openProject, snap, test } from './fixtures';
import { deployFromUi, pythonService, writeFiles } from './steps';

const COMPOSE = `name: twins
services:
  web:
    build: ./web
    ports:
      - "8000:8000"
    healthcheck:
      test: ["CMD", "curl", "-f", "http://localhost:8000/"]
  admin:
    build: ./admin
    ports:
      - "8001:8000"
    healthcheck:
      test: ["CMD", "curl", "-f", "http://localhost:8000/"]
`;

test('an unchanged redeploy does nothing, and a changed file rebuilds only its service after showing the diff', async ({ appPage: page, app, sandbox }) => {
  void sandbox;
  const dir = join(app.workDir, 'twins');
  await writeFiles(dir, { 'compose.yaml': COMPOSE });
  await writeFiles(join(dir, 'web'), pythonService('web v1'));
  await writeFiles(join(dir, 'admin'), pythonService('admin v1'));

  await page.reload();
  await openProject(page, dir);
  await page.getByRole('link', { name: 'Deploy', exact: true }).click();

  // First deploy: everything is new.
  const first = await deployFromUi(page, {
    shot: 'deploy-first',
    review: async (changes) => {
      await expect(changes.getByRole('table', { name: 'Changes' })).toBeVisible();
      await expect(changes.locator('[data-change="add"]').first()).toBeVisible();
      await expectAccessible(page, 'Deploy (review: everything new)');
    },
  });
  expect(first).toContain('Deployed');
  await expect(page.getByRole('table', { name: 'Deployment history' }).getByRole('row')).toHaveCount(2);
  await expectAccessible(page, 'Deploy (deployed, history)');

  // Unchanged: nothing to build, nothing to change.
  const started = Date.now();
  const second = await deployFromUi(page, { shot: 'deploy-unchanged' });
  const took = Date.now() - started;
  expect(second).toContain('Nothing to change');
  await expectAccessible(page, 'Deploy (nothing to change)');
  await expect(page.locator('[data-phase="build"]')).toHaveAttribute('data-state', 'skipped');
  test.info().annotations.push({ type: 'unchanged redeploy (ms)', description: String(took) });

  // Change one file of web: only web is rebuilt, and its change is shown before it is applied.
  await writeFile(join(dir, 'web', 'index.html'), '<h1>web v2</h1>\n');
  const third = await deployFromUi(page, {
    shot: 'deploy-changed',
    review: async (changes) => {
      await expect(changes).toContainText(/web/i);
      await expect(changes).not.toContainText(/Admin/);
      await expectAccessible(page, 'Deploy (review: one service changed)');
    },
  });
  expect(third).toContain('Deployed');
  await expect(page.getByText('Build output of web')).toBeVisible();
  await expect(page.getByText('Build output of admin')).toHaveCount(0);
  // The build ran on CodeBuild: its ending, and BuildKit's own lines in its output.
  await expect(page.getByLabel('Build of web: Built')).toBeVisible();
  await page.getByText('Build output of web').click();
  const output = page.getByRole('region', { name: 'Build output of web', exact: true });
  await expect(output).toContainText('Phase complete: BUILD State: SUCCEEDED');
  await expect(output).toContainText(/#\d+ \[\d\/\d\] COPY /);
  // The output opens at its newest lines, as a terminal does.
  await expect.poll(() => output.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight)).toBeLessThan(30);
  await expectAccessible(page, 'Deploy (redeployed, build output)');
  await snap(page, 'deploy-build-output');
  await expect(page.getByRole('table', { name: 'Deployment history' }).getByRole('row')).toHaveCount(4);
  // History prices the image builds, billed by the minute: two at first, none unchanged, then one.
  const history = page.getByRole('table', { name: 'Deployment history' }).getByRole('row');
  await expect(history.nth(1)).toContainText(/1 · 1 min · \$0\.00\d/);
  await expect(history.nth(2)).toContainText('none');
  await expect(history.nth(3)).toContainText(/2 · 2 min · \$0\.0\d\d/);

  // The project list remembers where the project lives and how its last deployment went.
  await page.getByRole('link', { name: 'Projects', exact: true }).click();
  const row = page.getByRole('table', { name: 'Recent projects' }).getByRole('row').filter({ hasText: 'twins' });
  await expect(row).toContainText('000000000000 · us-east-1');
  await expect(row).toContainText('succeeded');
  await snap(page, 'projects-after-deploys');
  await expectAccessible(page, 'Projects (recent, last deployment)');
});
