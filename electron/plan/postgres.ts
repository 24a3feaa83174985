/**
 * RDS for PostgreSQL as Berth runs it: which engine majors RDS offers, until when each is in
 * RDS standard support (after which RDS enrols the database in Extended Support, billed per
 * vCPU-hour), and the TLS posture of the parameter group Berth gives every database.
 */
import type { ServiceModel } from '../../shared/domain/project';
import { raise } from '../../shared/result';

/**
 * RDS end of standard support per major, from AWS's "Release calendar for Amazon RDS for
 * PostgreSQL" (11: February 29, 2024; 12: February 28, 2025, as AWS's Extended Support pages
 * state; later majors end on the last day of February of the community end-of-life year).
 * Majors outside this table are not offered by RDS.
 */
export const RDS_POSTGRES_STANDARD_SUPPORT_END: Readonly<Record<number, string>> = {
  11: '2024-02-29',
  12: '2025-02-28',
  13: '2026-02-28',
  14: '2027-02-28',
  15: '2028-02-29',
  16: '2029-02-28',
  17: '2030-02-28',
  18: '2031-02-28',
};

/** Extended Support list price (us-east-1), per vCPU-hour, on top of the instance. */
export const EXTENDED_SUPPORT_PRICE = '$0.100 per vCPU-hour in years 1–2 and $0.200 in year 3 (us-east-1)';

/** Where an engine major stands on `today` (YYYY-MM-DD). */
export type PostgresSupport = { kind: 'standard'; until: string } | { kind: 'extended'; since: string } | { kind: 'unavailable' };

/** Whether RDS offers `major`, and whether it is still in standard support on `today`. */
export function postgresSupport(major: number, today: string): PostgresSupport {
  const end = RDS_POSTGRES_STANDARD_SUPPORT_END[major];
  if (!end) return { kind: 'unavailable' };
  return today <= end ? { kind: 'standard', until: end } : { kind: 'extended', since: end };
}

/** The parameter group family of a major (`postgres16`), as RDS names it. */
export function postgresFamily(major: number): string {
  return `postgres${major}`;
}

/**
 * The engine major for a managed Postgres: the image tag's major; a tag without one (latest,
 * alpine) gets 16. A major RDS does not offer is a plan error naming the service and the file:line of its image.
 */
export function postgresMajor(store: ServiceModel): number {
  const match = /^(\d+)/.exec(store.managed?.version ?? '');
  if (!match) return 16;
  const major = Number(match[1]);
  if (!RDS_POSTGRES_STANDARD_SUPPORT_END[major]) {
    const offered = Object.keys(RDS_POSTGRES_STANDARD_SUPPORT_END);
    const at = store.imageSource ?? store.source;
    const where = at.file ? ` (${at.file}:${at.line})` : '';
    raise(
      'PLAN_INVALID',
      `${store.name}${where} asks for PostgreSQL ${major} (image ${store.image ?? 'postgres'}), which Amazon RDS does not offer: use one of ${offered.join(', ')}, preferably ${offered.at(-1)}.`,
      { service: store.name, major, file: at.file, line: at.line },
    );
  }
  return major;
}

/** One sentence about a major's support, for the preview: empty in standard support, the billed Extended Support otherwise. */
export function postgresSupportNote(store: ServiceModel, major: number, today: string): string | undefined {
  const support = postgresSupport(major, today);
  if (support.kind !== 'extended') return undefined;
  return `PostgreSQL ${major} left RDS standard support on ${support.since}: RDS runs it under Extended Support, billed at ${EXTENDED_SUPPORT_PRICE} on top of the instance. Use postgres:${Object.keys(RDS_POSTGRES_STANDARD_SUPPORT_END).at(-1)} in ${store.name}'s image to avoid it.`;
}
