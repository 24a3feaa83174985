// Journey 8: a compose app as it runs on the compose network — its own network with bare service
// names, a migrate step that runs once before the web service, a secret file and a named volume —
// seen in the Preview, the Secrets and Deploy screens, and the Inventory after a teardown that
// keeps the volume.
import { join } from 'node:path';
import { expectAccessible } from './a11y';
import { expect, openProject, snap, test } from './fixtures';
import { deployFromUi, writeFiles } from './steps';

const COMPOSE = `name: ledger
services:
  web:
    image: nginx:1.27
    ports: ["80:80"]
    environment:
      - API_URL=http://api:8000
      - CACHE_HOST=cache
    depends_on: [migrate, api]
  api:
    image: python:3.12-slim
    command: ["python", "-m", "http.server", "8000"]
    secrets: [db_password]
    volumes: ["ledger-data:/data"]
  migrate:
    image: python:3.12-slim
    restart: "no"
    command: python manage.py migrate
secrets:
  db_password:
    file: ./db_password.txt
volumes:
  ledger-data: {}
`;

test('own network, bare names, a one-off migrate and a secret file, from Preview to Deploy', async ({ appPage: page, app, sandbox }) => {
  void sandbox;
  const dir = join(app.workDir, 'ledger');
  await writeFiles(dir, { 'compose.yaml': COMPOSE, 'db_password.txt': 'e2e-file-secret-Qx81' });
  await page.reload();
  await openProject(page, dir);

  // Preview: names are looked up as written; `cache` answers nothing and says so.
  await page.getByRole('link', { name: 'Preview' }).click();
  const names = page.getByRole('table', { name: 'How names resolve' });
  await expect(names.getByRole('row', { name: /API_URL/ })).toContainText('api');
  await expect(names.getByRole('row', { name: /CACHE_HOST/ })).toContainText(/nothing|does not resolve/i);
  // What gets created says so: the project's own search domain, and migrate running once.
  await page.getByRole('button', { name: /Service migrate/ }).click();
  await expect(page.getByText(/Runs migrate once \(python manage\.py migrate\) before the services that depend on it/)).toBeVisible();
  await page.getByRole('button', { name: /Shared by the whole project/ }).click();
  await expect(page.getByText(/DNS search domain ledger\.internal/)).toBeVisible();
  await expect(page.getByText('Encrypted file system for ledger-data')).toBeVisible();
  await snap(page, 'preview-names-and-one-off');
  await expectAccessible(page, 'Preview (names, one-off)');

  // Secrets: the file secret is listed, read at the next deploy.
  await page.getByRole('link', { name: 'Secrets' }).click();
  const files = page.getByRole('table', { name: 'Secret files' });
  await expect(files.getByRole('row', { name: /db_password/ })).toContainText('./db_password.txt');
  await expect(files.getByRole('row', { name: /db_password/ })).toContainText('/run/secrets/db_password');
  await expect(files).toContainText('at the next deploy');
  await snap(page, 'secrets-files');
  expect(await page.content()).not.toContain('e2e-file-secret-Qx81');

  // Deploy: migrate runs once, then the services start.
  await page.getByRole('link', { name: 'Deploy' }).click();
  const outcome = await deployFromUi(page, { shot: 'deploy-one-off' });
  expect(outcome).toMatch(/Deployed|succeeded|live/i);
  const steps = page.getByRole('region', { name: 'One-off steps' });
  await expect(steps).toContainText('migrate');
  await expect(steps).toContainText('done');
  await expectAccessible(page, 'Deploy (one-off done)');

  await page.getByRole('link', { name: 'Secrets' }).click();
  await expect(page.getByRole('table', { name: 'Secret files' })).not.toContainText('at the next deploy');
  expect(await page.content()).not.toContain('e2e-file-secret-Qx81');

  // Teardown keeps the volume unless asked, and the inventory lists it afterwards.
  await page.getByRole('link', { name: 'Inventory' }).click();
  const region = page.getByRole('region', { name: 'Region us-east-1' });
  await region.getByRole('button', { name: 'Tear down ledger' }).click();
  const dialog = page.getByRole('dialog', { name: 'Tear down ledger' });
  await expect(dialog.getByLabel('Also delete the project’s volumes (EFS) and the data in them')).not.toBeChecked();
  await dialog.getByLabel('Type ledger to confirm').fill('ledger');
  await snap(page, 'teardown-keeps-volumes');
  await dialog.getByRole('button', { name: 'Tear down' }).click();
  await expect(dialog.getByTestId('teardown-outcome')).toContainText('Done', { timeout: 90_000 });
  await expect(dialog).toContainText(/EFS file system fs-[0-9a-f]+ with the project's named volumes \(kept/);
  await dialog.getByRole('button', { name: 'Close', exact: true }).click();
  const kept = region.getByRole('region', { name: 'Volumes kept' });
  await expect(kept).toContainText('(ledger)');
  await snap(page, 'inventory-volumes-kept');
  await expectAccessible(page, 'Inventory (volumes kept)');
});
