/** A time every machine writes the same way, to the minute: 2026-12-03T06:10:39.108Z → 2026-12-03 06:10 UTC. */
export function utcMinute(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}
