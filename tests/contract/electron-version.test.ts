/**
 * Keeps the desktop shell on a supported Electron. Electron supports its latest three majors;
 * when a new one ships, raise SUPPORTED_FLOOR (and move to it), so this fails rather than the
 * app silently running on an Electron without security fixes. It also ties the esbuild targets
 * of the main process and preload (scripts/build-node.mjs) to the Node and Chromium that the
 * installed Electron embeds, and keeps the CLI at the Node floor Berth promises.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

/** Oldest supported major when Electron 45 is the newest stable (supported: 43, 44, 45). */
const SUPPORTED_FLOOR = 43;

/** What each Electron major embeds (electronjs.org/docs/latest/tutorial/electron-timelines). */
const EMBEDS: Record<number, { node: number; chrome: number }> = {
  43: { node: 24, chrome: 150 },
  44: { node: 24, chrome: 152 },
  45: { node: 24, chrome: 156 },
};

const require = createRequire(import.meta.url);
const installed = require('electron/package.json') as { version: string };
const major = Number(installed.version.split('.')[0]);
const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  devDependencies: Record<string, string>;
  engines: { node: string };
};
const buildScript = readFileSync(new URL('../../scripts/build-node.mjs', import.meta.url), 'utf8');
const target = (name: string) => buildScript.match(new RegExp(`const ${name} = '([a-z]+)(\\d+)'`))?.slice(1);

describe('the installed Electron', () => {
  it(`is a supported major (>= ${SUPPORTED_FLOOR}), and the one package.json asks for`, () => {
    expect(Number.isInteger(major), installed.version).toBe(true);
    expect(major).toBeGreaterThanOrEqual(SUPPORTED_FLOOR);
    const range = manifest.devDependencies.electron!;
    expect(Number(range.match(/(\d+)/)?.[1])).toBe(major);
  });

  it('matches the esbuild targets of the main process and preload', () => {
    const embeds = EMBEDS[major];
    expect(embeds, `add Electron ${major}'s Node and Chromium to EMBEDS, then update scripts/build-node.mjs`).toBeDefined();
    expect(target('ELECTRON_MAIN_TARGET')).toEqual(['node', String(embeds!.node)]);
    expect(target('ELECTRON_PRELOAD_TARGET')).toEqual(['chrome', String(embeds!.chrome)]);
  });

  it('leaves the CLI and browser bridge on the Node floor in engines', () => {
    expect(manifest.engines.node).toBe('>=20.19');
    expect(target('PLAIN_NODE_TARGET')).toEqual(['node', '20']);
  });
});
