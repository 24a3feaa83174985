/** A resource in the user's words, with its AWS name on hover (and for screen readers). */
import { Text, Tooltip } from '@mantine/core';
import { resourceWords } from './words';

export function AwsTerm({ type, detail, size = 'sm' }: { type: string; detail?: string; size?: string }) {
  const words = resourceWords(type);
  const hover = detail ? `${type} · ${detail}` : type;
  return (
    <Tooltip label={hover} withArrow openDelay={200}>
      <Text span size={size} tabIndex={0} style={{ textDecoration: 'underline dotted', textUnderlineOffset: 3 }} aria-description={`AWS name: ${hover}`}>
        {words}
      </Text>
    </Tooltip>
  );
}
