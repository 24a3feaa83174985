/**
 * Berth's look: dense application screens, one accent colour, system fonts — and every text
 * colour readable in both schemes (WCAG AA: 4.5:1 against whatever it sits on).
 *
 * Mantine's default shades are chosen for looks: white on indigo-6 is 4.3:1, on orange-6 2.6:1,
 * dimmed grey on white 3.3:1. Instead of hand-picking overrides per screen, the colour roles are
 * derived here from the palette: for each colour, Mantine's own shade if it is readable on the
 * surfaces it is used on, otherwise the nearest darker shade (light scheme) or lighter shade
 * (dark scheme), going past the end of the palette if needed. Components keep asking for
 * `color="red"` or `c="dimmed"` and get a readable colour.
 */
import {
  createTheme,
  darken,
  defaultVariantColorsResolver,
  lighten,
  luminance,
  Menu,
  Modal,
  MultiSelect,
  Notification,
  parseThemeColor,
  Select,
  toRgba,
  type CSSVariablesResolver,
  type MantineColorsTuple,
  type MantineTheme,
  type VariantColorsResolver,
} from '@mantine/core';

/** WCAG AA for normal-size text. */
export const AA = 4.5;
/** Colours are picked with a little margin, so rounding in a checker never lands below AA. */
const TARGET = AA + 0.1;

/** The WCAG contrast ratio of two opaque colours (1 to 21). */
export function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

function hex(color: string): string {
  const { r, g, b } = toRgba(color);
  return `#${[r, g, b].map((v) => Math.round(v).toString(16).padStart(2, '0')).join('')}`;
}

/** `a` moved a fraction `t` of the way to `b` (in sRGB). */
function mix(a: string, b: string, t: number): string {
  const [x, y] = [toRgba(a), toRgba(b)];
  return hex(`rgb(${x.r + (y.r - x.r) * t}, ${x.g + (y.g - x.g) * t}, ${x.b + (y.b - x.b) * t})`);
}

/** The first candidate readable on every background (or black/white as a last resort). */
function firstReadable(candidates: string[], backgrounds: string[], lastResort: string): string {
  return candidates.find((c) => backgrounds.every((bg) => contrast(c, bg) >= TARGET)) ?? lastResort;
}

/** A path through the palette from shade `from` to shade `to` in quarter steps, then on towards black or white. */
function ramp(shades: MantineColorsTuple, from: number, to: 0 | 9): string[] {
  const dir = to > from ? 1 : -1;
  const out: string[] = [];
  for (let i = from; i !== to; i += dir) out.push(...[0, 0.25, 0.5, 0.75].map((t) => mix(shades[i]!, shades[i + dir]!, t)));
  const end = shades[to];
  return [...out, end, ...Array.from({ length: 12 }, (_, k) => hex(to === 9 ? darken(end, (k + 1) * 0.05) : lighten(end, (k + 1) * 0.05)))];
}

/** Mantine's shade for filled backgrounds (its default primaryShade) per scheme. */
const FILLED_SHADE = { light: 6, dark: 8 } as const;

/** A filled background, its hover, and the text on it: white if a shade (or shade 9 a little darker) allows it, else black. */
function filledRole(shades: MantineColorsTuple, scheme: 'light' | 'dark', white: string, black: string) {
  const from = FILLED_SHADE[scheme];
  const candidates = [...shades.slice(from), ...[0.05, 0.1, 0.15].map((s) => hex(darken(shades[9], s)))];
  const index = candidates.findIndex((c) => contrast(white, c) >= TARGET);
  if (index >= 0) {
    const background = candidates[index]!;
    return { background, hover: candidates[index + 1] ?? hex(darken(background, 0.1)), text: white };
  }
  return { background: shades[from], hover: shades[from + 1] ?? shades[from], text: black };
}

/** Surfaces text sits on, per scheme: body, cards and inputs, hovered rows, code. */
function surfaces(theme: MantineTheme) {
  const { white, colors } = theme;
  return { light: [white, colors.gray[0], colors.gray[1]], dark: [colors.dark[7], colors.dark[6], colors.dark[5]] };
}

/**
 * The darkest a dark-scheme tint may be lit (relative luminance). Mantine darkens shade 9 by
 * half for every colour, which leaves yellow, lime and green tints bright enough that secondary
 * text on them would have to be as bright as normal text; those are darkened a little more.
 */
const DARK_TINT_MAX_LUMINANCE = 0.04;

function darkTint(shades: MantineColorsTuple): string {
  const steps = Array.from({ length: 9 }, (_, k) => hex(darken(shades[9], 0.5 + k * 0.05)));
  return steps.find((c) => luminance(c) <= DARK_TINT_MAX_LUMINANCE) ?? steps[steps.length - 1]!;
}

/** A colour's tinted "light" background (alerts, light badges, active navigation, diagram boxes) and its hover. */
function tints(shades: MantineColorsTuple) {
  return { light: [shades[1], shades[2]], dark: [darkTint(shades), hex(darken(shades[9], 0.3))] };
}

/** The colour roles of one palette colour in one scheme, as Mantine's CSS variables. */
function colorRoles(theme: MantineTheme, name: string, scheme: 'light' | 'dark'): Record<string, string> {
  const shades = theme.colors[name]!;
  const onSurfaces = surfaces(theme)[scheme];
  const tinted = tints(shades)[scheme];
  const light = scheme === 'light';
  // Coloured text (c="red", outline buttons and badges, links): on the page and on its own tint.
  const text = light
    ? firstReadable(ramp(shades, 6, 9), [...onSurfaces, tinted[0]!], theme.black)
    : firstReadable(ramp(shades, 4, 0), [...onSurfaces, tinted[0]!], theme.white);
  // Text of light and subtle variants: on the tint, its hover, and the page.
  const lightColor = light
    ? firstReadable(ramp(shades, 9, 9), [...tinted, onSurfaces[0]!], theme.black)
    : firstReadable(ramp(shades, 0, 0), [...tinted, onSurfaces[0]!], theme.white);
  const filled = filledRole(shades, scheme, theme.white, theme.black);
  return {
    ...(light ? {} : { [`--mantine-color-${name}-light`]: tinted[0]! }),
    [`--mantine-color-${name}-text`]: text,
    [`--mantine-color-${name}-outline`]: text,
    [`--mantine-color-${name}-light-color`]: lightColor,
    [`--mantine-color-${name}-filled`]: filled.background,
    [`--mantine-color-${name}-filled-hover`]: filled.hover,
    [`--mantine-color-${name}-contrast`]: filled.text,
  };
}

/**
 * Secondary text (`c="dimmed"`, descriptions, placeholders): readable on every surface and on
 * every colour's tint (Mantine's "dark" palette is the dark scheme's surfaces, not a tint).
 */
export function dimmedColor(theme: MantineTheme, scheme: 'light' | 'dark'): string {
  const tinted = Object.keys(theme.colors)
    .filter((c) => c !== 'dark')
    .map((c) => tints(theme.colors[c]!)[scheme][0]!);
  const backgrounds = [...surfaces(theme)[scheme], ...tinted];
  return scheme === 'light'
    ? firstReadable(ramp(theme.colors.gray, 6, 9), backgrounds, theme.black)
    : firstReadable(ramp(theme.colors.dark, 2, 0), backgrounds, theme.white);
}

/** Every colour role, per scheme (passed to MantineProvider). */
export const cssVariablesResolver: CSSVariablesResolver = (theme) => {
  const scheme = (s: 'light' | 'dark') => {
    const vars: Record<string, string> = {};
    for (const name of Object.keys(theme.colors)) Object.assign(vars, colorRoles(theme, name, s));
    const dimmed = dimmedColor(theme, s);
    const primary = theme.primaryColor;
    return {
      ...vars,
      '--mantine-color-dimmed': dimmed,
      '--mantine-color-placeholder': dimmed,
      '--mantine-color-anchor': `var(--mantine-color-${primary}-text)`,
      '--mantine-color-error': 'var(--mantine-color-red-text)',
      '--mantine-color-success': 'var(--mantine-color-teal-text)',
      '--mantine-primary-color-contrast': `var(--mantine-color-${primary}-contrast)`,
    };
  };
  return { variables: {}, light: scheme('light'), dark: scheme('dark') };
};

/** Filled buttons and badges take their text colour from the colour's `-contrast` role (white or black). */
const variantColorResolver: VariantColorsResolver = (input) => {
  const colors = defaultVariantColorsResolver(input);
  if (input.variant !== 'filled') return colors;
  const parsed = parseThemeColor({ color: input.color || input.theme.primaryColor, theme: input.theme });
  if (!parsed.isThemeColor || parsed.shade !== undefined) return colors;
  return { ...colors, color: `var(--mantine-color-${parsed.color}-contrast)` };
};

export const theme = createTheme({
  primaryColor: 'indigo',
  defaultRadius: 'sm',
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  fontFamilyMonospace: 'ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace',
  variantColorResolver,
  // People who ask their system for less motion get no fades or slides (WCAG 2.3.3).
  respectReducedMotion: true,
  components: {
    // Icon-only close buttons need a name ("Close" alone would clash with dialogs' own Close buttons).
    Modal: Modal.extend({ defaultProps: { closeButtonProps: { 'aria-label': 'Close dialog' } } }),
    Notification: Notification.extend({
      defaultProps: { closeButtonProps: { 'aria-label': 'Close notification' } },
      // Under a title, Mantine greys the description with shade 6 (3.3:1 on white).
      styles: (_theme, props) => (props.title ? { description: { color: 'var(--mantine-color-dimmed)' } } : {}),
    }),
    // Mantine's hidden focus placeholder is a focusable child of role="menu" that is not a menu
    // item; without it, opening a menu focuses the menu itself and the arrow keys reach the items.
    Menu: Menu.extend({ defaultProps: { withInitialFocusPlaceholder: false } }),
    // The option list itself scrolls (not a scroll area inside it), as the listbox pattern expects.
    Select: Select.extend({ defaultProps: { withScrollArea: false }, styles: { options: { maxHeight: 220, overflowY: 'auto' } } }),
    MultiSelect: MultiSelect.extend({ defaultProps: { withScrollArea: false }, styles: { options: { maxHeight: 220, overflowY: 'auto' } } }),
  },
});
