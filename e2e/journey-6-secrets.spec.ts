// Journey 6: a canary secret never appears in the DOM unless revealed, nor in any request the
// page makes other than the one that sets it.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expectAccessible } from './a11y';
import { expect, openProject, snap, test } from './fixtures';

const COMPOSE = `name: canary
services:
  api:
    image: nginx:1.27
    environment:
      - API_TOKEN
      - DATABASE_URL=postgres://app:\${DB_PASSWORD}@db:5432/app
  db:
    image: postgres:16
    environment:
      - POSTGRES_PASSWORD=\${DB_PASSWORD}
`;

test('secret values stay out of the page and its requests unless revealed', async ({ appPage: page, app, sandbox }) => {
  void sandbox;
  const canary = `canary-${Date.now()}-Zq9xW`;
  const dir = join(app.workDir, 'canary');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'compose.yaml'), COMPOSE);

  // Every request body and response the page sees, in order.
  const seen: { url: string; body: string; response: string }[] = [];
  page.on('requestfinished', (request) => {
    void request.response().then(async (response) => {
      seen.push({ url: request.url(), body: request.postData() ?? '', response: response ? await response.text().catch(() => '') : '' });
    });
  });

  await page.reload();
  await openProject(page, dir);
  await page.getByRole('link', { name: 'Secrets' }).click();

  const table = page.getByRole('table', { name: 'Config values' });
  await expect(table.getByRole('row', { name: /API_TOKEN/ })).toContainText('Missing');
  await expect(table.getByRole('row', { name: /DB_PASSWORD/ })).toContainText('Missing');
  // The deploy button says what is missing.
  await expect(page.getByTestId('deploy-blocked-reason')).toContainText('API_TOKEN');
  await expect(page.getByRole('button', { name: /Deploy \(2 missing\)/ })).toBeDisabled();
  await snap(page, 'secrets-missing');
  await expectAccessible(page, 'Secrets (two missing)');

  // Set the canary by typing it.
  await page.getByRole('button', { name: 'Set API_TOKEN' }).click();
  const dialog = page.getByRole('dialog', { name: 'Set API_TOKEN' });
  await dialog.getByLabel('Value').fill(canary);
  await snap(page, 'secrets-set-dialog');
  await expectAccessible(page, 'Secrets (set dialog)');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog).toBeHidden();
  await expect(table.getByRole('row', { name: /API_TOKEN/ })).toContainText('Set');

  // Generate the other one: the value is made in main and never comes to the page.
  await page.getByRole('button', { name: 'Generate DB_PASSWORD' }).click();
  await expect(table.getByRole('row', { name: /DB_PASSWORD/ })).toContainText('Set');
  await expect(page.getByRole('status').filter({ hasText: 'Every value the project needs is set' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Deploy', exact: true })).toBeEnabled();

  // Move around so every screen that lists config has asked main about it.
  await page.getByRole('link', { name: 'Project', exact: true }).click();
  await expect(page.getByRole('table', { name: 'Required config' })).toContainText('Set');
  await page.getByRole('link', { name: 'Secrets' }).click();
  await expect(table).toBeVisible();

  expect(await page.content()).not.toContain(canary);
  const withCanary = seen.filter((s) => s.body.includes(canary) || s.response.includes(canary));
  expect(withCanary.map((s) => new URL(s.url).pathname)).toEqual(['/api/secrets:set']);
  await snap(page, 'secrets-set');

  // Reveal is an explicit action; Hide takes the value out of the page again.
  await page.getByRole('button', { name: 'Reveal API_TOKEN' }).click();
  await expect(page.getByTestId('revealed-value')).toHaveText(canary);
  await snap(page, 'secrets-revealed');
  await expectAccessible(page, 'Secrets (value revealed)');
  await page.getByRole('button', { name: 'Hide' }).click();
  await expect(page.getByTestId('revealed-value')).toHaveCount(0);
  expect(await page.content()).not.toContain(canary);
  // The reveal's answer is the only other place the value travelled.
  const after = seen.filter((s) => s.body.includes(canary) || s.response.includes(canary)).map((s) => new URL(s.url).pathname);
  expect(after).toEqual(['/api/secrets:set', '/api/secrets:reveal']);
});
