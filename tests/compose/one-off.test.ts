/** Which services run once (a migration, a seed) before the services that depend on them. */
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupProjects, loadFiles, placed } from './helpers';

afterAll(cleanupProjects);

const compose = (services: string[]) => ({ 'compose.yaml': ['name: shop', 'services:', ...services, ''].join('\n') });

describe('one-off services', () => {
  it('reads a `restart: "no"` migration step and a service another waits for to complete as one-offs', async () => {
    const r = await loadFiles(
      compose([
        '  web:',
        '    image: nginx:1.27',
        '    depends_on:',
        '      migrate: {condition: service_completed_successfully}',
        '      seed: {condition: service_started}',
        '  migrate:',
        '    image: python:3.12',
        '    command: python manage.py showmigrations',
        '  seed:',
        '    image: node:22',
        '    restart: "no"',
        '    command: ["npx", "prisma", "db", "seed"]',
        '  worker:',
        '    image: python:3.12',
        '    restart: "no"',
        '    command: celery -A app worker',
      ]),
    );
    const oneOff = Object.fromEntries(r.project!.services.map((s) => [s.name, s.oneOff?.why]));
    expect(oneOff.migrate).toContain('web waits for it to complete successfully');
    expect(oneOff.seed).toContain('restart: "no" and it is a migration or seed step');
    expect(oneOff.web).toBeUndefined();
    // A long-running worker with restart "no" is no step: ECS keeps it running, and says so.
    expect(oneOff.worker).toBeUndefined();
    expect(placed(r.diagnostics)).toEqual(['warning compose-key-warned 17:5']);
    expect(r.diagnostics[0]!.message).toContain('`restart` on worker');
  });

  it('warns that a one-off’s ports are not published, at the port', async () => {
    const r = await loadFiles(
      compose([
        '  web:',
        '    image: nginx:1.27',
        '    depends_on: {init: {condition: service_completed_successfully}}',
        '  init:',
        '    image: busybox:1.36',
        '    ports: ["8080:80"]',
      ]),
    );
    expect(placed(r.diagnostics)).toEqual(['warning one-off-ports 8:13']);
  });
});
