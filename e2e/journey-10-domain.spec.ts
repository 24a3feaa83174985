// Journey 10: a domain whose DNS is served outside the account — the Preview says a record will be
// needed, the Deploy screen names the exact CNAME and waits visibly until it exists (added at the
// "registrar", the sandbox's outside DNS), then serves HTTPS on the domain.
import { join } from 'node:path';
import { expectAccessible } from './a11y';
import { expect, openProject, snap, test } from './fixtures';
import { DEPLOY_TIMEOUT, writeFiles } from './steps';

const COMPOSE = `name: storefront
services:
  web:
    image: nginx:1.27
    ports: ["80:80"]
    domainname: shop.example.net
`;

test('a domain outside the account: the record to add is shown, the deploy waits for it, then HTTPS works', async ({ appPage: page, app, sandbox }) => {
  const dir = join(app.workDir, 'storefront');
  await writeFiles(dir, { 'compose.yaml': COMPOSE });
  await page.reload();
  await openProject(page, dir);

  // Preview: no hosted zone for example.net in this account, so a record will have to be added.
  await page.getByRole('link', { name: 'Preview' }).click();
  const certificates = page.getByLabel('TLS certificates');
  await expect(certificates).toContainText('shop.example.net: this account has no public hosted zone for it');
  await expect(certificates.locator('[data-validation="manual"]')).toHaveCount(1);
  await snap(page, 'preview-certificate-manual');

  // Deploy: the phase says which CNAME to add, and keeps waiting.
  await page.getByRole('link', { name: 'Deploy' }).click();
  await page.getByRole('button', { name: /^Deploy$/ }).click();
  const apply = page.getByRole('button', { name: 'Apply changes' });
  await expect(apply).toBeVisible({ timeout: DEPLOY_TIMEOUT });
  await apply.click();
  const card = page.getByRole('status', { name: 'DNS record for shop.example.net' });
  await expect(card).toBeVisible({ timeout: DEPLOY_TIMEOUT });
  const cells = card.getByRole('table', { name: 'Record to add for shop.example.net' }).getByRole('cell');
  const name = (await cells.nth(0).locator('code').innerText()).trim();
  const value = (await cells.nth(2).locator('code').innerText()).trim();
  await expect(cells.nth(1)).toHaveText('CNAME');
  expect(name).toMatch(/^_[0-9a-f]{32}\.shop\.example\.net\.$/);
  expect(value).toMatch(/^_[0-9a-f]{32}\.[a-z]{10}\.acm-validations\.aws\.$/);
  // The step says so too, in the stepper everyone watches.
  await expect(page.getByText(/Waiting for the certificate of shop\.example\.net/).first()).toBeVisible();
  await snap(page, 'deploy-waiting-for-dns-record');
  await expectAccessible(page, 'Deploy (waiting for a DNS record)');

  // The user adds the record at their DNS provider; ACM sees it and the deploy finishes on HTTPS.
  sandbox.putOutsideDnsRecord({ name, type: 'CNAME', value });
  const outcome = page.getByTestId('deploy-outcome');
  await expect(outcome).toBeVisible({ timeout: DEPLOY_TIMEOUT });
  await expect(outcome).toContainText('https://shop.example.net');
  await expect(card).toHaveCount(0);
  await snap(page, 'deploy-domain-done');
});
