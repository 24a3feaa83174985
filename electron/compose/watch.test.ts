import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isProjectFile, watchProjectFolder } from './watch';

const roots: string[] = [];
afterAll(async () => Promise.all(roots.map((r) => rm(r, { recursive: true, force: true }))));

/** Resolves when `onChange` fires, or with false after `ms` (the watcher is closed either way). */
function changed(dir: string, extra: Set<string>, act: () => Promise<void>, ms = 3000): Promise<boolean> {
  return new Promise((resolveChanged) => {
    const timer = setTimeout(() => {
      w.close();
      resolveChanged(false);
    }, ms);
    const w = watchProjectFolder(
      dir,
      () => {
        clearTimeout(timer);
        w.close();
        resolveChanged(true);
      },
      extra,
    );
    void act();
  });
}

describe('watchProjectFolder', () => {
  it('knows which files matter', () => {
    expect(isProjectFile('compose.yaml')).toBe(true);
    expect(isProjectFile('docker-compose.override.yml')).toBe(true);
    expect(isProjectFile('.env')).toBe(true);
    expect(isProjectFile('prod.env')).toBe(true);
    expect(isProjectFile('README.md')).toBe(false);
    expect(isProjectFile('base.yaml', new Set(['base.yaml']))).toBe(true);
  });

  it('reports a change to the compose file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'berth-watch-'));
    roots.push(dir);
    await writeFile(join(dir, 'compose.yaml'), 'services: {}\n');
    expect(await changed(dir, new Set(), () => writeFile(join(dir, 'compose.yaml'), 'services:\n  web:\n    image: x\n'))).toBe(true);
  });

  it('reports a change to a file the project reads in another folder', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'berth-watch-'));
    roots.push(dir);
    await mkdir(join(dir, 'shared'));
    await writeFile(join(dir, 'shared', 'base.yaml'), 'services: {}\n');
    expect(await changed(dir, new Set([join(dir, 'shared', 'base.yaml')]), () => writeFile(join(dir, 'shared', 'base.yaml'), 'services: {a: {image: x}}\n'))).toBe(true);
  });
});
