// Keyboard reach, visible focus, labelled controls, and both colour schemes.
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expectAccessible } from './a11y';
import { expect, openProject, snap, test } from './fixtures';
import { writeFiles } from './steps';

/** Buttons, links, inputs and selects without an accessible name (none should exist). */
async function unlabelledControls(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const named = (el: Element) => {
      const labelledBy = el.getAttribute('aria-labelledby');
      if (labelledBy && labelledBy.split(' ').some((id) => document.getElementById(id)?.textContent?.trim())) return true;
      if (el.getAttribute('aria-label')?.trim() || el.getAttribute('title')?.trim()) return true;
      if ((el as HTMLInputElement).labels?.length) return true;
      return Boolean((el.textContent ?? '').trim());
    };
    return [...document.querySelectorAll('button, a[href], input:not([type=hidden]), select, textarea, [role=button], [role=switch], [role=radio], [role=checkbox]')]
      .filter((el) => !(el as HTMLElement).closest('[aria-hidden=true]') && (el as HTMLElement).offsetParent !== null)
      .filter((el) => !named(el))
      .map((el) => el.outerHTML.slice(0, 120));
  });
}

test('the app is usable from the keyboard, with visible focus and named controls', async ({ appPage: page }) => {
  await expect(page.getByRole('heading', { level: 2, name: 'Connect' })).toBeVisible();
  // Tab until the Projects link has focus, then open it with Enter.
  for (let i = 0; i < 30; i++) {
    await page.keyboard.press('Tab');
    if (await page.getByRole('link', { name: 'Projects', exact: true }).evaluate((el) => el === document.activeElement)) break;
  }
  const focused = page.getByRole('link', { name: 'Projects', exact: true });
  await expect(focused).toBeFocused();
  const outline = await focused.evaluate((el) => getComputedStyle(el).outlineStyle + ' ' + getComputedStyle(el).outlineWidth);
  expect(outline).not.toMatch(/^none|\b0px$/);
  await snap(page, 'keyboard-focus');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 2, name: 'Projects' })).toBeVisible();

  // The path field, then Open, by keyboard.
  await page.getByLabel('Folder path').focus();
  await page.keyboard.type('/nowhere/at/all');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('alert')).toBeVisible();
  expect(await unlabelledControls(page)).toEqual([]);
});

test('both colour schemes: follows the system, and can be switched', async ({ appPage: page, app, sandbox }) => {
  void sandbox;
  const dir = join(app.workDir, 'duo');
  await writeFiles(dir, {
    'compose.yaml': 'name: duo\nservices:\n  web:\n    image: nginx:1.27\n    ports:\n      - "8080:80"\n    environment:\n      - REDIS_URL=redis://cache:6379\n  cache:\n    image: redis:7\n    x-defang-redis: true\n',
  });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-mantine-color-scheme', 'dark');
  await openProject(page, dir);
  await snap(page, 'dark-project');
  await page.getByRole('link', { name: 'Preview' }).click();
  await expect(page.getByRole('img', { name: 'Architecture diagram' })).toBeVisible();
  await expect(page.getByRole('img', { name: 'Architecture diagram' }).locator('[data-node-kind="redis"]')).toHaveCount(1);
  await snap(page, 'dark-preview');
  expect(await unlabelledControls(page)).toEqual([]);

  await page.getByRole('button', { name: 'Switch to light colours' }).click();
  await expect(page.locator('html')).toHaveAttribute('data-mantine-color-scheme', 'light');
  await snap(page, 'light-preview');
  await page.getByRole('link', { name: 'Secrets' }).click();
  await expect(page.getByRole('table', { name: 'Config values' }).or(page.getByText('needs no config values'))).toBeVisible();
  expect(await unlabelledControls(page)).toEqual([]);
  await page.getByRole('link', { name: 'Logs' }).click();
  await expect(page.getByRole('log', { name: 'Log lines' })).toBeVisible();
  await expectAccessible(page, 'Logs (nothing deployed)');
  expect(await unlabelledControls(page)).toEqual([]);
  await page.getByRole('link', { name: 'Inventory' }).click();
  await expect(page.getByRole('region', { name: /Region/ }).or(page.getByTestId('inventory-empty')).first()).toBeVisible();
  expect(await unlabelledControls(page)).toEqual([]);
});
