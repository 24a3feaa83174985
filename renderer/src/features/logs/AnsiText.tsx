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

function styleOf(entry: Anser.AnserJsonEntry): CSSProperties | undefined {
  if (!entry.fg && !entry.bg && entry.decorations.length === 0) return undefined;
  const style: CSSProperties = {};
  if (entry.fg) style.color = `rgb(${entry.fg})`;
  if (entry.bg) style.backgroundColor = `rgb(${entry.bg})`;
  if (entry.decorations.includes('bold')) style.fontWeight = 700;
  if (entry.decorations.includes('dim')) style.opacity = 0.7;
  if (entry.decorations.includes('italic')) style.fontStyle = 'italic';
  if (entry.decorations.includes('underline')) style.textDecoration = 'underline';
  return style;
}

export const AnsiText = memo(function AnsiText({ text, search }: { text: string; search: string }) {
  // Most lines carry no escape codes: skip the parser for them.
  if (!text.includes('\u001b')) return <>{highlight(text, search)}</>;
  const entries = Anser.ansiToJson(text, { json: true, remove_empty: true });
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
