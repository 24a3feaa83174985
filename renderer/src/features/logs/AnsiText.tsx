/** One log message with its ANSI colours (parsed by anser) and the search term highlighted. */
import Anser from 'anser';
import { memo, type CSSProperties, type ReactNode } from 'react';

/** Splits `text` around case-insensitive matches of `needle`, wrapping matches in <mark>. */
export function highlight(text: string, needle: string, keyPrefix = ''): ReactNode[] {
  if (!needle) return [text];
  const out: ReactNode[] = [];
  const lower = text.toLowerCase();
  const n = needle.toLowerCase();
  let from = 0;
  let i = lower.indexOf(n, from);
  while (i >= 0) {
    if (i > from) out.push(text.slice(from, i));
    out.push(<mark key={`${keyPrefix}${i}`}>{text.slice(i, i + n.length)}</mark>);
    from = i + n.length;
    i = lower.indexOf(n, from);
  }
  if (from < text.length) out.push(text.slice(from));
  return out;
}

/**
 * The terminal's colours as the theme's readable text colours (anser's defaults assume a black
 * background: ANSI green on white is 2.6:1). 256-colour and true-colour codes keep the default
 * text colour, which is readable in both schemes; so does "dim" text, shown dimmed instead.
 */
const ANSI_COLORS: Record<string, string> = {
  black: 'var(--mantine-color-dimmed)',
  red: 'var(--mantine-color-red-text)',
  green: 'var(--mantine-color-green-text)',
  yellow: 'var(--mantine-color-yellow-text)',
  blue: 'var(--mantine-color-blue-text)',
  magenta: 'var(--mantine-color-grape-text)',
  cyan: 'var(--mantine-color-cyan-text)',
  white: 'var(--mantine-color-text)',
};
const ANSI_TINTS: Record<string, string> = {
  red: 'var(--mantine-color-red-light)',
  green: 'var(--mantine-color-green-light)',
  yellow: 'var(--mantine-color-yellow-light)',
  blue: 'var(--mantine-color-blue-light)',
  magenta: 'var(--mantine-color-grape-light)',
  cyan: 'var(--mantine-color-cyan-light)',
};
/** "ansi-bright-red" → "red". */
const ansiName = (cls: string | null) => cls?.replace(/^ansi-(bright-)?/, '') ?? '';

function styleOf(entry: Anser.AnserJsonEntry): CSSProperties | undefined {
  if (!entry.fg && !entry.bg && entry.decorations.length === 0) return undefined;
  const style: CSSProperties = {};
  const fg = ANSI_COLORS[ansiName(entry.fg)];
  const bg = ANSI_TINTS[ansiName(entry.bg)];
  if (fg) style.color = fg;
  else if (entry.decorations.includes('dim')) style.color = 'var(--mantine-color-dimmed)';
  // A tint behind the text: coloured text on it would be unchecked, so the text takes the tint's own colour.
  if (bg) {
    style.backgroundColor = bg;
    style.color = ANSI_COLORS[ansiName(entry.bg)];
  }
  if (entry.decorations.includes('bold')) style.fontWeight = 700;
  if (entry.decorations.includes('italic')) style.fontStyle = 'italic';
  if (entry.decorations.includes('underline')) style.textDecoration = 'underline';
  return style;
}

export const AnsiText = memo(function AnsiText({ text, search }: { text: string; search: string }) {
  // Most lines carry no escape codes: skip the parser for them.
  if (!text.includes('\u001b')) return <>{highlight(text, search)}</>;
  const entries = Anser.ansiToJson(text, { json: true, remove_empty: true, use_classes: true });
  return (
    <>
      {entries.map((e, i) => (
        <span key={i} style={styleOf(e)}>
          {highlight(e.content, search, `${i}-`)}
        </span>
      ))}
    </>
  );
});
