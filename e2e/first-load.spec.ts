// The first minute: opening the app prints nothing red in the console — no errors, no failed
// requests, no responses >= 400 (a missing favicon counts) — from the first request to the
// Connect screen a first run lands on.
import type { Page } from '@playwright/test';
import { expect, test as base } from './fixtures';

interface Problems {
  console: string[];
  responses: string[];
  failed: string[];
}

// Listens on the page before `appPage` navigates, so the very first request is seen too.
const test = base.extend<{ problems: Problems; page: Page }>({
  // A fixture with no dependencies destructures nothing.
  // eslint-disable-next-line no-empty-pattern
  problems: async ({}, use) => {
    await use({ console: [], responses: [], failed: [] });
  },
  page: async ({ page, problems }, use) => {
    page.on('console', (message) => {
      if (message.type() === 'error') problems.console.push(`${message.text()} (${message.location().url})`);
    });
    page.on('pageerror', (error) => problems.console.push(`uncaught: ${error.message}`));
    page.on('response', (response) => {
      if (response.status() >= 400) problems.responses.push(`${response.status()} ${response.request().method()} ${response.url()}`);
    });
    page.on('requestfailed', (request) => problems.failed.push(`${request.method()} ${request.url()}: ${request.failure()?.errorText ?? 'failed'}`));
    await use(page);
  },
});

test('first load reaches Connect with no console errors, failed requests or error responses', async ({ appPage: page, app, problems, request }) => {
  await expect(page.getByRole('heading', { level: 2, name: 'Connect' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Try Berth in the local sandbox' })).toContainText('No AWS credentials were found');
  await expect(page.getByTestId('where-account')).toHaveText('Not connected');
  // The browser asks for the tab's icon after the page loads, and again when the address
  // changes (the token leaves it, the route is set): give those requests time to land.
  await page.waitForLoadState('load');
  await page.waitForTimeout(1500);

  expect(problems.console, 'console errors').toEqual([]);
  expect(problems.responses, 'responses >= 400').toEqual([]);
  expect(problems.failed, 'failed requests').toEqual([]);

  // The tab's icon is a real file the bridge serves, named by the page.
  const href = await page.locator('link[rel="icon"]').getAttribute('href');
  expect(href).toBeTruthy();
  const icon = await request.get(new URL(href!, app.bridge.origin + '/').toString());
  expect(icon.status()).toBe(200);
  expect(icon.headers()['content-type']).toBe('image/svg+xml');
  expect(await icon.text()).toContain('<svg');
});
