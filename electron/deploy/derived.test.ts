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

  it('writes a new derived SecureString, tagged, computed from the stored config', async () => {
    ssmMock.on(GetParametersCommand).resolves({ Parameters: [{ Name: '/Berth/shop/POSTGRES_PASSWORD', Value: SECRET }] });
    const result = await writeDerivedParameters(ssm, project);
    expect(result.written).toEqual(['/Berth/shop/_derived/api/DATABASE_URL']);
    expect(ssmMock.commandCalls(PutParameterCommand)[0]!.args[0].input).toMatchObject({
      Name: '/Berth/shop/_derived/api/DATABASE_URL',
      Type: 'SecureString',
      Value: `postgres://app:${SECRET}@db:5432/app?cost=$5`,
      Tags: [{ Key: 'berth:managed-by', Value: 'berth' }, { Key: 'berth:project', Value: 'shop' }],
    });
  });

  it('skips a value that did not change, and overwrites one that did', async () => {
    const current = `postgres://app:${SECRET}@db:5432/app?cost=$5`;
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
    ssmMock.on(PutParameterCommand).rejects(awsError('ValidationException', `Value ${SECRET} is not allowed`));
    const error = (await writeDerivedParameters(ssm, project).catch((e: unknown) => e)) as Error & { appError: unknown };
    expect(error.message).not.toContain(SECRET);
    expect(JSON.stringify(error.appError)).not.toContain(SECRET);
  });
});
