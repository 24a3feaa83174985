// Journey 3: a broken compose file → the exact line is shown; fix the file → the screen refreshes.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expectAccessible } from './a11y';
import { expect, openProject, snap, test } from './fixtures';

const BROKEN = `name: broken
services:
  web:
    image: nginx:1.27
    ports:
      - "8080:80"
    privileged: true
`;
const FIXED = `name: broken
services:
  web:
    image: nginx:1.27
    ports:
      - "8080:80"
`;

test('a broken compose file shows the exact line, and fixing it refreshes the screen', async ({ appPage: page, app }) => {
  const dir = join(app.workDir, 'broken');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'compose.yaml'), BROKEN);

  await openProject(page, dir);
  await expect(page.getByRole('heading', { level: 2, name: 'Project broken' })).toBeVisible();

  // The problem names its file and line, and says how to fix it.
  const problems = page.getByRole('region', { name: 'Problems in compose.yaml' });
  const diagnostic = problems.getByTestId('diagnostic').filter({ hasText: 'privileged' });
  await expect(diagnostic).toBeVisible();
  await expect(diagnostic.getByLabel(/^line 7, column/)).toBeVisible();
  await expect(diagnostic).toContainText('Fix:');
  await expect(page.getByRole('status').filter({ hasText: 'to fix before deploying' })).toBeVisible();
  await snap(page, 'project-broken');
  await expectAccessible(page, 'Project (broken compose)');

  // The preview refuses, and says why.
  await page.getByRole('link', { name: 'Preview' }).click();
  await expect(page.getByRole('alert')).toContainText('privileged');
  await expectAccessible(page, 'Preview (refused)');
  await page.getByRole('button', { name: 'See the problems on the Project screen' }).click();

  // Saving the fixed file is enough: the screen reloads by itself.
  await writeFile(join(dir, 'compose.yaml'), FIXED);
  await expect(page.getByRole('status').filter({ hasText: /^Ready/ })).toBeVisible();
  await expect(page.getByTestId('diagnostic').filter({ hasText: 'privileged' })).toHaveCount(0);
  await snap(page, 'project-fixed');
  await expectAccessible(page, 'Project (fixed)');

  await page.getByRole('button', { name: 'Preview what will be created' }).click();
  await expect(page.getByRole('img', { name: 'Architecture diagram' })).toBeVisible();
});
