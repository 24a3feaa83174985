// Journey 5: Inventory → tear the project down → the inventory holds nothing of it → tear the
// bootstrap down.
import { join } from 'node:path';
import { expectAccessible } from './a11y';
import { expect, snap, test } from './fixtures';
import { deployViaMain, pythonService, writeFiles } from './steps';

const COMPOSE = `name: shortlived
services:
  web:
    build: ./web
    ports:
      - "8000:8000"
    environment:
      - API_KEY
    healthcheck:
      test: ["CMD", "curl", "-f", "http://localhost:8000/"]
`;

test('tearing down a project and then the bootstrap leaves the inventory empty', async ({ appPage: page, app, sandbox }) => {
  void sandbox;
  const dir = join(app.workDir, 'shortlived');
  await writeFiles(dir, { 'compose.yaml': COMPOSE });
  await writeFiles(join(dir, 'web'), pythonService('bye'));
  await app.call('project:open', { dir });
  await app.call('secrets:generate', { dir, name: 'API_KEY' });
  const record = await deployViaMain(app, dir);
  expect(record.outcome).toBe('succeeded');

  await page.reload();
  await page.getByRole('link', { name: 'Inventory' }).click();
  const region = page.getByRole('region', { name: 'Region us-east-1' });
  await expect(region.getByText('Project shortlived')).toBeVisible();
  await expect(region.getByText('Shared setup (berth-bootstrap)')).toBeVisible();
  // The bootstrap cannot go while a project uses it.
  await expect(region.getByRole('button', { name: /Remove Berth’s shared setup/ })).toBeDisabled();
  await region.getByText('Project shortlived').click();
  await expect(region.getByRole('table', { name: 'Resources of berth-shortlived' })).toBeVisible();
  await snap(page, 'inventory-deployed');
  await expectAccessible(page, 'Inventory (deployed, resources)');

  // Tear the project down: the name must be typed; options are offered.
  await region.getByRole('button', { name: 'Tear down shortlived' }).click();
  const dialog = page.getByRole('dialog', { name: 'Tear down shortlived' });
  const confirm = dialog.getByRole('button', { name: 'Tear down' });
  await expect(confirm).toBeDisabled();
  await dialog.getByLabel('Type shortlived to confirm').fill('shortlive');
  await expect(confirm).toBeDisabled();
  await dialog.getByLabel('Type shortlived to confirm').fill('shortlived');
  await dialog.getByLabel('Also delete the project’s config values (secrets)').check();
  await snap(page, 'teardown-confirm');
  await expectAccessible(page, 'Teardown confirmation');
  await confirm.click();
  await expect(dialog.getByTestId('teardown-outcome')).toContainText('Done', { timeout: 90_000 });
  await expect(dialog.getByRole('list', { name: 'Teardown steps' })).toBeVisible();
  await snap(page, 'teardown-project-done');
  await expectAccessible(page, 'Teardown (done)');
  await dialog.getByRole('button', { name: 'Close', exact: true }).click();

  // Nothing of the project is left: no stack, no tagged resource, no leftover.
  await expect(region.getByText('Project shortlived')).toHaveCount(0);
  await expect(region).not.toContainText('shortlived');
  await snap(page, 'inventory-after-project-teardown');

  // Now the bootstrap can go too.
  await region.getByRole('button', { name: /Remove Berth’s shared setup/ }).click();
  const bootstrapDialog = page.getByRole('dialog', { name: 'Remove Berth from this region' });
  await bootstrapDialog.getByLabel('Type berth-bootstrap to confirm').fill('berth-bootstrap');
  await expectAccessible(page, 'Remove shared setup confirmation');
  await bootstrapDialog.getByRole('button', { name: 'Remove' }).click();
  await expect(bootstrapDialog.getByTestId('teardown-outcome')).toContainText('Done', { timeout: 90_000 });
  await snap(page, 'teardown-bootstrap-done');
  await bootstrapDialog.getByRole('button', { name: 'Close', exact: true }).click();
  await expect(page.getByTestId('inventory-empty')).toBeVisible();
  await snap(page, 'inventory-empty');
  await expectAccessible(page, 'Inventory (empty)');
});
