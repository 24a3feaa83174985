import { describe, expect, it } from 'vitest';
import { HostRewriter } from './hosts';

const rewriter = new HostRewriter(['db', 'redis', 'redis-cache', 'api', 'kafka'], 'myproj');

describe('host rewriting (golden)', () => {
  it.each([
    ['db', 'db.myproj.internal', ['db']],
    ['redis:6379', 'redis.myproj.internal:6379', ['redis']],
    ['redis-cache:6379', 'redis-cache.myproj.internal:6379', ['redis-cache']],
    ['redis://redis:6379/0', 'redis://redis.myproj.internal:6379/0', ['redis']],
    ['postgres://u:${POSTGRES_PASSWORD}@db:5432/x', 'postgres://u:${POSTGRES_PASSWORD}@db.myproj.internal:5432/x', ['db']],
    ['http://api/v1/', 'http://api.myproj.internal/v1/', ['api']],
    ['http://api', 'http://api.myproj.internal', ['api']],
    ['http://api?x=1', 'http://api.myproj.internal?x=1', ['api']],
    ['kafka:9092,kafka:9093', 'kafka.myproj.internal:9092,kafka.myproj.internal:9093', ['kafka']],
    ['mongodb://db:27017,redis:6379/app', 'mongodb://db.myproj.internal:27017,redis.myproj.internal:6379/app', ['db', 'redis']],
  ])('%s → %s', (input, output, hosts) => {
    expect(rewriter.rewrite(input)).toEqual({ text: output, hosts });
  });

  it.each([
    'database',
    'http://dbhost:5432',
    'http://api.example.com/',
    'https://example.com/db',
    'the db is down',
    'redis-server',
    'postgres://u:p@db.other.internal:5432/x',
    'db_name',
    '',
  ])('leaves %j alone', (input) => {
    expect(rewriter.rewrite(input)).toEqual({ text: input, hosts: [] });
  });

  it('records a rewrite for derived values, keeping the config placeholders', () => {
    const r = rewriter.rewriteEnv({ kind: 'derived', template: 'postgres://u:${POSTGRES_PASSWORD}@db:5432/x', names: ['POSTGRES_PASSWORD'] }, 'web', 'DATABASE_URL');
    expect(r.value).toEqual({ kind: 'derived', template: 'postgres://u:${POSTGRES_PASSWORD}@db.myproj.internal:5432/x', names: ['POSTGRES_PASSWORD'] });
    expect(r.rewrites).toEqual([
      { service: 'web', variable: 'DATABASE_URL', host: 'db', from: 'postgres://u:${POSTGRES_PASSWORD}@db:5432/x', to: 'postgres://u:${POSTGRES_PASSWORD}@db.myproj.internal:5432/x' },
    ]);
  });

  it('never rewrites a config reference', () => {
    expect(rewriter.rewriteEnv({ kind: 'config', name: 'db' }, 'web', 'X')).toEqual({ value: { kind: 'config', name: 'db' }, rewrites: [] });
  });
});
