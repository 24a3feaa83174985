/** User steps several journeys share: writing small projects, deploying from the Deploy screen. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, type Page } from '@playwright/test';
import type { DeployEvent, DeploymentRecord } from '../shared/domain/deploy';
import { snap, type TestApp } from './fixtures';

/** Deploys can take a while on a loaded machine even against the instant sandbox. */
export const DEPLOY_TIMEOUT = 90_000;

/** Writes files (path → content) under `dir`, creating folders. */
export async function writeFiles(dir: string, files: Record<string, string>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(dir, path, '..'), { recursive: true });
    await writeFile(join(dir, path), content);
  }
}

/** A small Python web service: Dockerfile and source. */
export function pythonService(greeting: string): Record<string, string> {
  return {
    Dockerfile: 'FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nEXPOSE 8000\nCMD ["python", "-m", "http.server", "8000"]\n',
    'index.html': `<h1>${greeting}</h1>\n`,
  };
}

/**
 * On the Deploy screen: presses Deploy; when the changes are shown for review, checks them with
 * `review` (if given), then applies them; waits for the outcome and returns its text.
 */
export async function deployFromUi(page: Page, options: { shot?: string; review?: (changes: ReturnType<Page['getByRole']>) => Promise<void> } = {}): Promise<string> {
  const apply = page.getByRole('button', { name: 'Apply changes' });
  // The outcome of this deployment, not the one still on screen from the last.
  const previous = (await page.getByTestId('deploy-outcome').count()) > 0 ? await page.getByTestId('deploy-outcome').getAttribute('data-deployment-id') : null;
  const outcome = previous ? page.locator(`[data-testid="deploy-outcome"]:not([data-deployment-id="${previous}"])`) : page.getByTestId('deploy-outcome');
  await page.getByRole('button', { name: /^Deploy( again)?$/ }).click();
  await expect(apply.or(outcome)).toBeVisible({ timeout: DEPLOY_TIMEOUT });
  if (await apply.isVisible()) {
    const changes = page.getByRole('region', { name: 'Changes to apply' });
    if (options.review) await options.review(changes);
    if (options.shot) await snap(page, `${options.shot}-review`);
    await apply.click();
  }
  await expect(outcome).toBeVisible({ timeout: DEPLOY_TIMEOUT });
  if (options.shot) await snap(page, options.shot);
  return outcome.innerText();
}

/** Deploys through main directly (setup for journeys about what comes after); resolves with the finished record. */
export async function deployViaMain(app: TestApp, dir: string): Promise<DeploymentRecord> {
  const finished = new Promise<DeploymentRecord>((resolve) => {
    const stop = app.ctx.subscribe((event, payload) => {
      if (event !== 'deploy:event') return;
      const e = payload as DeployEvent;
      if (e.type === 'finished') {
        stop();
        resolve(e.record);
      }
    });
  });
  await app.call('deploy:start', { dir, mode: 'affordable', autoApprove: true });
  return finished;
}
