import { AddTagsToResourceCommand, GetParametersCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ProjectModel } from '../../shared/domain/project';
import { derivedValues, renderTemplate, writeDerivedParameters } from './derived';
import { awsError } from './testing/errors';

const ssmMock = mockClient(SSMClient);
const ssm = new SSMClient({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
const SECRET = 'p@ss$word-123';

const project = {
  name: 'shop',
  dir: '/x',
  files: [],
  requiredConfig: [],
  hostReferences: [],
  services: [
    {
      name: 'api',
      environment: {
        DATABASE_URL: { kind: 'derived', template: 'postgres://app:${POSTGRES_PASSWORD}@db:5432/app?cost=$$5', names: ['POSTGRES_PASSWORD'] },
        PLAIN: { kind: 'literal', value: 'x' },
        TOKEN: { kind: 'config', name: 'TOKEN' },
      },
    },
  ],
} as unknown as ProjectModel;

beforeEach(() => {
  ssmMock.reset();
  ssmMock.on(PutParameterCommand).resolves({});
  ssmMock.on(AddTagsToResourceCommand).resolves({});
});

describe('derived config', () => {
  it('finds spliced values and renders them ($$ is a literal $)', () => {
    expect(derivedValues(project).map((d) => d.parameter)).toEqual(['/Berth/shop/_derived/api/DATABASE_URL']);
    expect(renderTemplate('a:${X}:$$:${X}', new Map([['X', 'v']]))).toBe('a:v:$:v');
  });

  it('percent-encodes values spliced into a URL’s user info, path and query, not its host', () => {
    const values = new Map([
      ['PW', 'p@ss:w/rd#1%'],
      ['USER', 'me@corp'],
      ['HOST', 'db.shop.internal:5432'],
      ['DB', 'my db'],
      ['MODE', 'a&b=c'],
    ]);
    expect(renderTemplate('postgres://${USER}:${PW}@${HOST}/${DB}?sslmode=${MODE}', values)).toBe('postgres://me%40corp:p%40ss%3Aw%2Frd%231%25@db.shop.internal:5432/my%20db?sslmode=a%26b%3Dc');
    expect(renderTemplate('redis://:${PW}@cache:6379/0', values)).toBe('redis://:p%40ss%3Aw%2Frd%231%25@cache:6379/0');
    expect(renderTemplate('https://${HOST}/x', values)).toBe('https://db.shop.internal:5432/x');
    // Not a URL: spliced as written.
    expect(renderTemplate('Bearer ${PW}', values)).toBe('Bearer p@ss:w/rd#1%');
    // The encoded URL reads back to the same password.
    const url = new URL(renderTemplate('postgres://shop:${PW}@db:5432/shop', values));
    expect(decodeURIComponent(url.password)).toBe('p@ss:w/rd#1%');
    expect(url.hostname).toBe('db');
  });

  it('writes a new derived SecureString, tagged, computed from the stored config', async () => {
    ssmMock.on(GetParametersCommand).resolves({ Parameters: [{ Name: '/Berth/shop/POSTGRES_PASSWORD', Value: SECRET }] });
    const result = await writeDerivedParameters(ssm, project);
    expect(result.written).toEqual(['/Berth/shop/_derived/api/DATABASE_URL']);
    expect(ssmMock.commandCalls(PutParameterCommand)[0]!.args[0].input).toMatchObject({
      Name: '/Berth/shop/_derived/api/DATABASE_URL',
      Type: 'SecureString',
      Value: `postgres://app:${encodeURIComponent(SECRET)}@db:5432/app?cost=$5`,
      Tags: [{ Key: 'berth:managed-by', Value: 'berth' }, { Key: 'berth:project', Value: 'shop' }],
    });
  });

  it('skips a value that did not change, and overwrites one that did', async () => {
    const current = `postgres://app:${encodeURIComponent(SECRET)}@db:5432/app?cost=$5`;
    ssmMock.on(GetParametersCommand).resolves({ Parameters: [{ Name: '/Berth/shop/POSTGRES_PASSWORD', Value: SECRET }, { Name: '/Berth/shop/_derived/api/DATABASE_URL', Value: current }] });
    expect(await writeDerivedParameters(ssm, project)).toEqual({ written: [], unchanged: ['/Berth/shop/_derived/api/DATABASE_URL'] });
    ssmMock.on(GetParametersCommand).resolves({ Parameters: [{ Name: '/Berth/shop/POSTGRES_PASSWORD', Value: 'new' }, { Name: '/Berth/shop/_derived/api/DATABASE_URL', Value: current }] });
    await writeDerivedParameters(ssm, project);
    expect(ssmMock.commandCalls(PutParameterCommand)[0]!.args[0].input).toMatchObject({ Overwrite: true });
  });

  it('stops with CONFIG_MISSING when a spliced name is not set', async () => {
    ssmMock.on(GetParametersCommand).resolves({ Parameters: [] });
    await expect(writeDerivedParameters(ssm, project)).rejects.toMatchObject({ appError: { code: 'CONFIG_MISSING', details: { missing: ['POSTGRES_PASSWORD'] } } });
  });

  it('never puts the value in an error', async () => {
    ssmMock.on(GetParametersCommand).resolves({ Parameters: [{ Name: '/Berth/shop/POSTGRES_PASSWORD', Value: SECRET }] });
    ssmMock.on(PutParameterCommand).rejects(awsError('ValidationException', `Value ${encodeURIComponent(SECRET)} is not allowed`));
    const error = (await writeDerivedParameters(ssm, project).catch((e: unknown) => e)) as Error & { appError: unknown };
    expect(error.message).not.toContain(SECRET);
    expect(error.message).not.toContain(encodeURIComponent(SECRET));
    expect(JSON.stringify(error.appError)).not.toContain(SECRET);
  });
});
