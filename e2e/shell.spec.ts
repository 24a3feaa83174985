import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expectAccessible } from './a11y';
import { expect, snap, test } from './fixtures';

test('the app loads in the browser with its frame and navigation', async ({ appPage: page }) => {
  await expect(page.getByRole('heading', { name: 'Berth', level: 1 })).toBeVisible();
  // Not connected on a first start: the app opens on Connect.
  await expect(page.getByRole('heading', { name: 'Connect', level: 2 })).toBeVisible();
  // The token is taken from the address bar and hidden again.
  expect(page.url()).not.toContain('token=');
  await page.getByRole('link', { name: 'Projects', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Projects', level: 2 })).toBeVisible();
  await snap(page, 'projects-empty');
  await expectAccessible(page, 'Projects (empty)');

  await page.getByRole('link', { name: 'Inventory' }).click();
  await expect(page.getByRole('heading', { name: 'Inventory', level: 2 })).toBeVisible();
  await expectAccessible(page, 'Inventory (not connected)');
  await page.getByRole('link', { name: 'Connect', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Connect', level: 2 })).toBeVisible();
  expect(page.url()).toMatch(/#\/connect$/);
  await snap(page, 'connect');
});

test('opening a folder by path validates it and shows the project in recent projects', async ({ appPage: page, app }) => {
  const project = join(app.workDir, 'shop');
  await mkdir(project, { recursive: true });
  await writeFile(join(project, 'compose.yaml'), 'services:\n  web:\n    image: nginx\n    ports: ["80:80"]\n');

  await page.getByRole('link', { name: 'Projects', exact: true }).click();
  const field = page.getByLabel('Folder path');
  await field.fill('relative/path');
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await expect(page.getByText('Use a full path')).toBeVisible();

  await field.fill(join(app.workDir, 'missing'));
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await expect(page.getByRole('alert')).toContainText('does not exist');
  await snap(page, 'projects-missing-folder');
  await expectAccessible(page, 'Projects (missing folder)');

  await field.fill(project);
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await expect(page.getByTestId('where-project')).toContainText('shop');

  await page.getByRole('link', { name: 'Projects', exact: true }).click();
  await expect(page.getByRole('table', { name: 'Recent projects' })).toContainText(project);
  await snap(page, 'projects-recent');
  await expectAccessible(page, 'Projects (recent)');
});

test('links cannot navigate the app away', async ({ appPage: page, context }) => {
  await expect(page.getByRole('heading', { name: 'Connect', level: 2 })).toBeVisible();
  const start = page.url();
  // A link as the app renders them (e.g. an AWS console link), and a hostile one.
  await page.evaluate(() => {
    const safe = document.createElement('a');
    safe.href = 'https://console.aws.amazon.com/';
    safe.textContent = 'AWS console';
    const hostile = document.createElement('a');
    hostile.href = 'http://attacker.example/';
    hostile.textContent = 'Plain http link';
    document.querySelector('main')!.append(safe, hostile);
  });
  const popups: string[] = [];
  context.on('page', (p) => popups.push(p.url()));
  // Block real network access for popups: the machine has no internet and the test must not try.
  await context.route('**/*', (route) => (route.request().url().startsWith('http://127.0.0.1') ? route.continue() : route.abort()));

  await page.getByText('Plain http link').click();
  await page.waitForTimeout(300);
  expect(page.url()).toBe(start);
  expect(popups).toHaveLength(0);

  await page.getByText('AWS console').click();
  await expect.poll(() => popups.length).toBe(1);
  expect(page.url()).toBe(start);
  await expect(page.getByRole('heading', { name: 'Berth', level: 1 })).toBeVisible();
});
