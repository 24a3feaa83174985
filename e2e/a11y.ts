/**
 * Accessibility check for the screen on show: axe-core with the WCAG 2.0/2.1 A and AA rules, in
 * the current colour scheme and then in the other one (the original is restored afterwards).
 * Any violation with impact serious or critical fails the test, printed rule by rule with the
 * offending elements (and, for contrast, the colours and ratio). The failure is soft: the
 * journey goes on and the test fails at its end with every screen's violations.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import type { NodeResult, Result } from 'axe-core';
import { expect, snap, test } from './fixtures';

type Scheme = 'light' | 'dark';

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const FAILING = new Set(['serious', 'critical']);
/** Mantine's colour scheme manager keeps the user's choice here ('light', 'dark' or 'auto'). */
const SCHEME_KEY = 'mantine-color-scheme-value';

/**
 * Runs axe on the page as it is now, in both colour schemes, and fails on any serious or
 * critical violation. `screen` names the screen (and state) in the report and in the
 * screenshots it saves (`a11y-<screen>-<scheme>.png`).
 */
export async function expectAccessible(page: Page, screen: string): Promise<void> {
  const original = await currentScheme(page);
  const other: Scheme = original === 'dark' ? 'light' : 'dark';
  const found: string[] = [];
  const details: string[] = [];
  for (const scheme of [original, other]) {
    if (scheme !== original) await switchScheme(page, scheme);
    await settle(page);
    const { violations } = await new AxeBuilder({ page }).withTags(TAGS).analyze();
    for (const v of violations.filter((x) => FAILING.has(x.impact ?? ''))) {
      found.push(`${scheme}: ${v.id} (${v.impact}) × ${v.nodes.length}`);
      details.push(describe(v, scheme));
    }
    await snap(page, `a11y-${slug(screen)}-${scheme}`);
  }
  await switchScheme(page, original);
  test.info().annotations.push({ type: 'a11y', description: `${screen}: ${original}, ${other}` });
  expect.soft(found, `Accessibility violations on ${screen}:\n\n${details.join('\n\n')}\n`).toEqual([]);
}

async function currentScheme(page: Page): Promise<Scheme> {
  return (await page.locator('html').getAttribute('data-mantine-color-scheme')) === 'dark' ? 'dark' : 'light';
}

/**
 * Shows the page in `scheme` the way the app would: if it follows the system scheme, by
 * emulating the system's; if the user picked one, by storing that choice as the app's colour
 * switch does (Mantine's manager listens to storage events).
 */
async function switchScheme(page: Page, scheme: Scheme): Promise<void> {
  if ((await currentScheme(page)) === scheme) return;
  const stored = await page.evaluate((key) => localStorage.getItem(key), SCHEME_KEY);
  if (stored === 'light' || stored === 'dark') {
    await page.evaluate(
      ([key, value]) => {
        const oldValue = localStorage.getItem(key);
        localStorage.setItem(key, value);
        window.dispatchEvent(new StorageEvent('storage', { key, oldValue, newValue: value, storageArea: localStorage }));
      },
      [SCHEME_KEY, scheme] as const,
    );
  } else {
    await page.emulateMedia({ colorScheme: scheme });
  }
  await expect(page.locator('html')).toHaveAttribute('data-mantine-color-scheme', scheme);
}

/** Waits until no CSS transition is running, so colours are final (spinners keep animating). */
async function settle(page: Page): Promise<void> {
  await page.waitForFunction(() => document.getAnimations().every((a) => !(a instanceof CSSTransition) || a.playState !== 'running'));
}

function describe(v: Result, scheme: Scheme): string {
  const head = `[${scheme}] ${v.id} (${v.impact}): ${v.help}\n  ${v.helpUrl}`;
  return [head, ...v.nodes.map((n) => `  - ${n.target.join(' ')}${contrast(n)}\n    ${n.html.slice(0, 160)}`)].join('\n');
}

/** "— #868e96 on #ffffff is 3.32:1, needs 4.5:1 (9.0pt normal)" for contrast failures. */
function contrast(n: NodeResult): string {
  const check = [...n.any, ...n.all, ...n.none].find((c) => c.data && typeof c.data === 'object' && 'contrastRatio' in c.data);
  if (!check) return n.failureSummary ? `\n    ${n.failureSummary.replace(/\n\s*/g, ' ')}` : '';
  const d = check.data as { fgColor: string; bgColor: string; contrastRatio: number; expectedContrastRatio: string; fontSize: string; fontWeight: string };
  return ` — ${d.fgColor} on ${d.bgColor} is ${d.contrastRatio}:1, needs ${d.expectedContrastRatio} (${d.fontSize} ${d.fontWeight})`;
}

function slug(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}
