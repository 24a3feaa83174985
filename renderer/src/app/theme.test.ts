import { DEFAULT_THEME, mergeMantineTheme } from '@mantine/core';
import { describe, expect, it } from 'vitest';
import { AA, contrast, cssVariablesResolver, theme } from './theme';

const full = mergeMantineTheme(DEFAULT_THEME, theme);
const resolved = cssVariablesResolver(full);
const vars = { light: resolved.light as Record<string, string>, dark: resolved.dark as Record<string, string> };
const SCHEMES = ['light', 'dark'] as const;
const { white, colors } = full;
const SURFACES = { light: [white, colors.gray[0], colors.gray[1]], dark: [colors.dark[7], colors.dark[6], colors.dark[5]] };
const tint = (name: string, scheme: 'light' | 'dark') => resolve(vars[scheme][`--mantine-color-${name}-light`] ?? `var(--mantine-color-${name}-1)`, scheme);

/** A role's value, following var() references into the resolved variables and the palette. */
function resolve(value: string, scheme: 'light' | 'dark'): string {
  const ref = /^var\((--[\w-]+)\)$/.exec(value);
  if (!ref) return value;
  const name = ref[1]!;
  const palette = /^--mantine-color-(\w+)-(\d)$/.exec(name);
  if (palette) return colors[palette[1]!]![Number(palette[2])]!;
  if (name === '--mantine-color-white') return white;
  if (name === '--mantine-color-black') return full.black;
  const own = vars[scheme][name];
  if (!own) throw new Error(`unresolved ${name}`);
  return resolve(own, scheme);
}
const role = (scheme: 'light' | 'dark', name: string) => resolve(vars[scheme][name]!, scheme);

describe('theme colour roles meet WCAG AA (4.5:1)', () => {
  for (const scheme of SCHEMES) {
    for (const name of Object.keys(colors)) {
      it(`${name} in ${scheme}`, () => {
        const text = role(scheme, `--mantine-color-${name}-text`);
        for (const bg of [...SURFACES[scheme], tint(name, scheme)]) expect(contrast(text, bg), `${name} text ${text} on ${bg}`).toBeGreaterThanOrEqual(AA);
        const lightColor = role(scheme, `--mantine-color-${name}-light-color`);
        expect(contrast(lightColor, tint(name, scheme)), `${name} light-color ${lightColor}`).toBeGreaterThanOrEqual(AA);
        const on = role(scheme, `--mantine-color-${name}-contrast`);
        for (const bg of [role(scheme, `--mantine-color-${name}-filled`), role(scheme, `--mantine-color-${name}-filled-hover`)])
          expect(contrast(on, bg), `${on} on filled ${name} ${bg}`).toBeGreaterThanOrEqual(AA);
      });
    }
    it(`dimmed text in ${scheme}, on every surface and tint`, () => {
      const dimmed = role(scheme, '--mantine-color-dimmed');
      for (const bg of [...SURFACES[scheme], ...Object.keys(colors).filter((c) => c !== 'dark').map((c) => tint(c, scheme))]) expect(contrast(dimmed, bg), `dimmed ${dimmed} on ${bg}`).toBeGreaterThanOrEqual(AA);
      expect(role(scheme, '--mantine-color-placeholder')).toBe(dimmed);
    });
    it(`links and errors in ${scheme}`, () => {
      for (const name of ['--mantine-color-anchor', '--mantine-color-error', '--mantine-color-success'])
        for (const bg of SURFACES[scheme]) expect(contrast(role(scheme, name), bg), name).toBeGreaterThanOrEqual(AA);
    });
  }
});
