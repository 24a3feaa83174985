/**
 * One-off services: steps that run to completion before the services that depend on them (a
 * migration, a seed), as compose runs them. Berth reads a service so when another waits for it
 * with `condition: service_completed_successfully`, or when it is `restart: "no"` (or
 * `on-failure`), publishes no port and its name or command is a migration or seed step. Any
 * other service is kept running by ECS.
 */
import type { NormalisedService } from './normalize';
import type { Report } from './report';
import { keySupport } from './support';

/** Words of migration and seed steps across the common frameworks (Django, Rails, Alembic, Prisma, Flyway, Knex…). */
const STEP = /(^|[^a-z])(migrat\w*|seed\w*|db:(prepare|setup|migrate|seed)|alembic|flyway|liquibase|init[-_]?db|setup[-_]?db)([^a-z]|$)/i;

function stopsByItself(restart: string | undefined): boolean {
  return restart === 'no' || (restart ?? '').startsWith('on-failure');
}

/** Marks the one-off services of a project (`model.oneOff`), and warns where reading one so changes how it runs. */
export function markOneOffs(services: NormalisedService[], report: Report): void {
  const awaited = new Map<string, string>();
  for (const s of services) for (const d of s.dependsOn) if (d.condition === 'service_completed_successfully') awaited.set(d.name, s.model.name);
  for (const s of services) {
    const m = s.model;
    if (m.managed) continue;
    const waiter = awaited.get(m.name);
    const words = [m.name, ...(m.entrypoint ?? []), ...(m.command ?? [])].join(' ');
    if (waiter) {
      m.oneOff = { why: `${waiter} waits for it to complete successfully (depends_on condition service_completed_successfully)` };
    } else if (stopsByItself(s.restart) && m.ports.length === 0 && STEP.test(words)) {
      m.oneOff = { why: `restart: "${s.restart}" and it is a migration or seed step (${m.command ? m.command.join(' ') : m.name})` };
    }
    if (!m.oneOff && stopsByItself(s.restart) && s.restartAt) {
      const rule = keySupport('services.*.restart')!;
      report.warning('compose-key-warned', `\`restart\` on ${m.name} is accepted but not deployed as it runs locally: ${rule.note}`, rule.fix ?? 'Remove it.', s.restartAt);
    }
    if (m.oneOff && s.ports.length > 0) {
      report.warning('one-off-ports', `${m.name} runs once, before the services that wait for it, so its ports are not published.`, 'Remove its ports, or drop the service_completed_successfully condition to run it as a service.', s.ports[0]!.at);
    }
  }
}
