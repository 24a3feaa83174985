// Journey 11: an image only Docker Hub serves. The Preview warns of Docker Hub's anonymous limit
// and leads to Connect, where the user stores a Docker Hub access token (refused with the reason
// when it is wrong). The Preview then shows the image coming through the account's Docker Hub
// cache, and the deploy pulls it from there. The token never comes back to the page.
import { join } from 'node:path';
import { expectAccessible } from './a11y';
import { expect, openProject, snap, test } from './fixtures';
import { deployFromUi, writeFiles } from './steps';

const COMPOSE = `name: dashboards
services:
  web:
    image: nginx:1.27
    ports: ["80:80"]
  meta:
    image: metabase/metabase:v0.50
`;
const TOKEN = 'dckr_pat_CANARY-e2e-9c41';

test('a Docker Hub image: the limit is shown, the Docker Hub account is stored, the image comes through the cache', async ({ appPage: page, app, sandbox }) => {
  void sandbox;
  const dir = join(app.workDir, 'dashboards');
  await writeFiles(dir, { 'compose.yaml': COMPOSE });
  await page.reload();
  await openProject(page, dir);

  // Preview: metabase would be pulled anonymously by every task.
  await page.getByRole('link', { name: 'Preview' }).click();
  const sources = page.getByRole('table', { name: 'Image sources' });
  await expect(sources.locator('[data-source="docker-hub-anonymous"]')).toContainText('metabase/metabase:v0.50');
  await expect(sources.locator('[data-source="ecr-public-cache"]')).toContainText('nginx:1.27');
  await expect(page.getByText('Docker Hub allows 10 anonymous pulls an hour per address')).toBeVisible();
  await snap(page, 'preview-docker-hub-anonymous');
  await page.getByRole('button', { name: 'Add your Docker Hub account' }).click();

  // Connect: an email address is not a Docker ID; the field says so and nothing is stored.
  const card = page.getByRole('region', { name: 'Docker Hub account' });
  await expect(card).toBeVisible();
  await card.getByLabel('Docker ID').fill('alice@example.com');
  await card.getByLabel('Access token').fill(TOKEN);
  await card.getByRole('button', { name: 'Save to this account' }).click();
  await expect(card.getByText('Docker Hub signs registries in with your Docker ID, not your email address.')).toBeVisible();
  expect(await app.call('connection:dockerHub', {})).toBeNull();
  await snap(page, 'connect-docker-hub-refused');

  await card.getByLabel('Docker ID').fill('alice');
  await card.getByLabel('Access token').fill(TOKEN);
  await card.getByRole('button', { name: 'Save to this account' }).click();
  await expect(card.getByTestId('docker-hub-account')).toContainText('Signed in as alice');
  await expect(card.getByText('Signed in', { exact: true })).toBeVisible();
  await snap(page, 'connect-docker-hub-saved');
  await expectAccessible(page, 'Connect (Docker Hub account stored)');

  // Preview again: the image now comes through the account's Docker Hub cache.
  await page.getByRole('link', { name: 'Preview' }).click();
  await expect(sources.locator('[data-source="docker-hub-cache"]')).toContainText('metabase/metabase:v0.50');
  await expect(page.getByText('Docker Hub allows 10 anonymous pulls an hour per address')).toHaveCount(0);
  await snap(page, 'preview-docker-hub-cache');

  // Deploy: the bootstrap gets the Docker Hub cache, the image is pulled from it.
  await page.getByRole('link', { name: 'Deploy' }).click();
  const outcome = await deployFromUi(page, { shot: 'deploy-docker-hub' });
  expect(outcome).toMatch(/deployed|succeeded|live/i);

  // The token was typed into the page once and never came back: not in the DOM, nor in storage.
  const html = await page.content();
  const storage = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
  expect(html).not.toContain(TOKEN);
  expect(storage).not.toContain(TOKEN);
});
