/** A database image run as a plain container loses its data with every task replacement: Berth says so, with the fix. */
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupProjects, loadFiles, placed } from './helpers';

afterAll(cleanupProjects);

describe('stores run as containers', () => {
  it('warns at the image of postgres, mongo and redis containers, never at a managed store or an app', async () => {
    const r = await loadFiles({
      'compose.yaml': [
        'name: shop',
        'services:',
        '  db:',
        '    image: postgres:16',
        '    environment: [POSTGRES_PASSWORD=local-only]',
        '  docs:',
        '    image: mongo:7',
        '  cache:',
        '    image: redis:7',
        '    x-defang-redis: true',
        '  web:',
        '    image: ghcr.io/acme/postgres-admin:1.0',
        '',
      ].join('\n'),
    });
    const warnings = r.diagnostics.filter((d) => d.code === 'store-data-ephemeral');
    expect(placed(warnings)).toEqual(['warning store-data-ephemeral 4:5', 'warning store-data-ephemeral 7:5']);
    expect(warnings[0]!.message).toContain('lost whenever the task is replaced');
    expect(warnings[0]!.fix).toContain('x-defang-postgres: true');
    expect(warnings[1]!.fix).toContain('managed database');
  });
});
