import {
  AddTagsToResourceCommand,
  DeleteParametersCommand,
  DescribeParametersCommand,
  GetParameterCommand,
  GetParametersCommand,
  PutParameterCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  assertConfigSet,
  deleteAllConfig,
  deleteConfig,
  generateConfig,
  importDefang,
  importEnvFile,
  listConfig,
  randomConfigValue,
  revealConfig,
  setConfig,
} from './store';

const ssmMock = mockClient(SSMClient);
const ssm = new SSMClient({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
let dir: string;

beforeEach(async () => {
  ssmMock.reset();
  dir = await mkdtemp(join(tmpdir(), 'berth-secrets-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function describeReturns(byPath: Record<string, string[]>) {
  ssmMock.on(DescribeParametersCommand).callsFake((input: { ParameterFilters?: { Values?: string[] }[] }) => {
    const path = input.ParameterFilters?.[0]?.Values?.[0] ?? '';
    return { Parameters: (byPath[path] ?? []).map((Name) => ({ Name, LastModifiedDate: new Date('2025-01-02T03:04:05Z') })) };
  });
}

describe('listConfig', () => {
  it('joins required names with stored ones, never reading values', async () => {
    describeReturns({
      '/Berth/shop': ['/Berth/shop/API_KEY', '/Berth/shop/EXTRA'],
      '/Defang/shop': ['/Defang/shop/beta/POSTGRES_PASSWORD', '/Defang/shop/beta/API_KEY', '/Defang/shop/beta/deep/X'],
    });
    const listing = await listConfig(ssm, 'shop', [
      { name: 'API_KEY', usedBy: [{ service: 'web', variable: 'API_KEY' }] },
      { name: 'POSTGRES_PASSWORD', usedBy: [{ service: 'db', variable: 'POSTGRES_PASSWORD' }] },
    ]);
    expect(listing.entries).toEqual([
      { name: 'API_KEY', isSet: true, required: true, lastModified: '2025-01-02T03:04:05.000Z', usedBy: [{ service: 'web', variable: 'API_KEY' }] },
      { name: 'EXTRA', isSet: true, required: false, lastModified: '2025-01-02T03:04:05.000Z', usedBy: [] },
      { name: 'POSTGRES_PASSWORD', isSet: false, required: true, usedBy: [{ service: 'db', variable: 'POSTGRES_PASSWORD' }] },
    ]);
    expect(listing.missing).toEqual(['POSTGRES_PASSWORD']);
    expect(listing.defangImportable).toEqual([{ name: 'POSTGRES_PASSWORD', stack: 'beta' }]);
    expect(ssmMock.commandCalls(GetParameterCommand)).toHaveLength(0);
    expect(ssmMock.commandCalls(GetParametersCommand)).toHaveLength(0);
    const filters = ssmMock.commandCalls(DescribeParametersCommand).map((c) => c.args[0].input.ParameterFilters?.[0]);
    expect(filters).toContainEqual({ Key: 'Path', Option: 'OneLevel', Values: ['/Berth/shop'] });
  });

  it('blocks a deploy with the list of missing names', async () => {
    describeReturns({ '/Berth/shop': ['/Berth/shop/A'] });
    await expect(assertConfigSet(ssm, 'shop', ['A', 'B', 'C'])).rejects.toMatchObject({
      appError: { code: 'CONFIG_MISSING', message: 'Set B, C in Secrets before deploying shop.', details: { missing: ['B', 'C'] } },
    });
    await expect(assertConfigSet(ssm, 'shop', ['A'])).resolves.toBeUndefined();
  });
});

describe('setConfig', () => {
  it('creates a tagged SecureString', async () => {
    ssmMock.on(PutParameterCommand).resolves({ Version: 1 });
    await setConfig(ssm, 'shop', 'API_KEY', 's3cret');
    const input = ssmMock.commandCalls(PutParameterCommand)[0]!.args[0].input;
    expect(input).toMatchObject({
      Name: '/Berth/shop/API_KEY',
      Type: 'SecureString',
      Tags: [
        { Key: 'berth:managed-by', Value: 'berth' },
        { Key: 'berth:project', Value: 'shop' },
      ],
    });
    expect(input.Overwrite).toBeUndefined();
  });

  it('overwrites an existing value and re-tags it (SSM refuses Tags with Overwrite)', async () => {
    ssmMock.on(PutParameterCommand).rejects(Object.assign(new Error('The parameter already exists.'), { name: 'ParameterAlreadyExists', $metadata: {} }));
    ssmMock.on(PutParameterCommand, { Overwrite: true }).resolves({ Version: 2 });
    ssmMock.on(AddTagsToResourceCommand).resolves({});
    await setConfig(ssm, 'shop', 'API_KEY', 'new');
    const overwrite = ssmMock.commandCalls(PutParameterCommand)[1]!.args[0].input;
    expect(overwrite).toMatchObject({ Name: '/Berth/shop/API_KEY', Overwrite: true, Type: 'SecureString' });
    expect(overwrite.Tags).toBeUndefined();
    expect(ssmMock.commandCalls(AddTagsToResourceCommand)[0]!.args[0].input).toMatchObject({ ResourceType: 'Parameter', ResourceId: '/Berth/shop/API_KEY' });
  });

  it('rejects invalid names and empty values before calling AWS', async () => {
    await expect(setConfig(ssm, 'shop', '1BAD', 'x')).rejects.toMatchObject({ appError: { code: 'INVALID_CONFIG_NAME' } });
    await expect(setConfig(ssm, 'shop', 'bad-name', 'x')).rejects.toMatchObject({ appError: { code: 'INVALID_CONFIG_NAME' } });
    await expect(setConfig(ssm, 'shop', 'OK', '')).rejects.toMatchObject({ appError: { code: 'INVALID_ARGUMENT' } });
    expect(ssmMock.calls()).toHaveLength(0);
  });

  it('scrubs the value out of an AWS error message', async () => {
    ssmMock.on(PutParameterCommand).rejects(Object.assign(new Error('Value hunter2hunter2 failed validation'), { name: 'ValidationException', $metadata: {} }));
    const error = await setConfig(ssm, 'shop', 'PW', 'hunter2hunter2').catch((e: Error) => e);
    expect((error as Error).message).toBe('Value *** failed validation');
  });
});

describe('generate, reveal, delete', () => {
  it('generates letters and digits of the asked length, and never returns the value', async () => {
    ssmMock.on(PutParameterCommand).resolves({});
    const result = await generateConfig(ssm, 'shop', 'SECRET_KEY', 48);
    const value = ssmMock.commandCalls(PutParameterCommand)[0]!.args[0].input.Value!;
    expect(value).toMatch(/^[A-Za-z0-9]{48}$/);
    expect(JSON.stringify(result)).not.toContain(value);
    expect(randomConfigValue()).toHaveLength(32);
    expect(randomConfigValue()).not.toBe(randomConfigValue());
    expect(() => randomConfigValue(8)).toThrow();
  });

  it('reveals with decryption, and says NOT_FOUND for an unset name', async () => {
    ssmMock.on(GetParameterCommand, { Name: '/Berth/shop/A' }).resolves({ Parameter: { Name: '/Berth/shop/A', Value: 'va' } });
    ssmMock.on(GetParameterCommand, { Name: '/Berth/shop/B' }).rejects(Object.assign(new Error('not found'), { name: 'ParameterNotFound', $metadata: {} }));
    expect(await revealConfig(ssm, 'shop', 'A')).toBe('va');
    expect(ssmMock.commandCalls(GetParameterCommand)[0]!.args[0].input.WithDecryption).toBe(true);
    await expect(revealConfig(ssm, 'shop', 'B')).rejects.toMatchObject({ appError: { code: 'NOT_FOUND' } });
  });

  it('deletes in batches of ten', async () => {
    ssmMock.on(DeleteParametersCommand).callsFake((input: { Names: string[] }) => ({ DeletedParameters: input.Names }));
    const names = Array.from({ length: 23 }, (_, i) => `N${i}`);
    const deleted = await deleteConfig(ssm, 'shop', names);
    expect(deleted).toEqual(names);
    expect(ssmMock.commandCalls(DeleteParametersCommand).map((c) => c.args[0].input.Names!.length)).toEqual([10, 10, 3]);
  });

  it('deletes everything under the project (config and derived) for teardown', async () => {
    describeReturns({ '/Berth/shop': ['/Berth/shop/A', '/Berth/shop/derived/web/DATABASE_URL'] });
    ssmMock.on(DeleteParametersCommand).callsFake((input: { Names: string[] }) => ({ DeletedParameters: input.Names }));
    expect(await deleteAllConfig(ssm, 'shop')).toBe(2);
    expect(ssmMock.commandCalls(DescribeParametersCommand)[0]!.args[0].input.ParameterFilters).toEqual([{ Key: 'Path', Option: 'Recursive', Values: ['/Berth/shop'] }]);
  });
});

describe('imports', () => {
  it('imports a .env file, skipping what cannot be config', async () => {
    ssmMock.on(PutParameterCommand).resolves({});
    await writeFile(join(dir, '.env'), 'API_KEY=abc\nEMPTY=\nbad-name=1\nOTHER=x\n');
    const result = await importEnvFile(ssm, 'shop', dir, '.env');
    expect(result.imported).toEqual(['API_KEY', 'OTHER']);
    expect(result.skipped).toEqual([
      { name: 'EMPTY', reason: 'Empty value' },
      { name: 'bad-name', reason: 'Not a valid config name' },
    ]);
    const only = await importEnvFile(ssm, 'shop', dir, join(dir, '.env'), ['OTHER', 'MISSING']);
    expect(only).toEqual({ imported: ['OTHER'], skipped: [{ name: 'MISSING', reason: 'Not in ' + join(dir, '.env') }] });
  });

  it('says which file it could not read', async () => {
    await expect(importEnvFile(ssm, 'shop', dir, 'nope.env')).rejects.toMatchObject({ appError: { code: 'NOT_FOUND' } });
  });

  it('copies Defang config over', async () => {
    ssmMock.on(GetParametersCommand).resolves({ Parameters: [{ Name: '/Defang/shop/beta/PW', Value: 'pw' }] });
    ssmMock.on(PutParameterCommand).resolves({});
    expect(await importDefang(ssm, 'shop', 'beta', ['PW'])).toEqual({ imported: ['PW'] });
    expect(ssmMock.commandCalls(PutParameterCommand)[0]!.args[0].input).toMatchObject({ Name: '/Berth/shop/PW', Value: 'pw' });
    await expect(importDefang(ssm, 'shop', 'beta', ['PW', 'GONE'])).rejects.toMatchObject({ appError: { code: 'NOT_FOUND', details: { missing: ['GONE'] } } });
  });
});

describe('values AWS would refuse', () => {
  const services = [
    { name: 'db', managed: { kind: 'postgres' as const, passwordConfig: 'POSTGRES_PASSWORD', version: '16' } },
    { name: 'web', managed: undefined },
  ] as unknown as Parameters<typeof setConfig>[4] & object;

  it('refuses an RDS master password that is too short or has / @ " or a space, naming the rule and never the value', async () => {
    ssmMock.on(PutParameterCommand).resolves({});
    const canary = 'canary@ pw';
    const refused = setConfig(ssm, 'shop', 'POSTGRES_PASSWORD', canary, services);
    await expect(refused).rejects.toMatchObject({
      appError: {
        code: 'INVALID_ARGUMENT',
        message: 'POSTGRES_PASSWORD is the master password of the db database (RDS), which AWS refuses because it contains "@" and a space. Use 8 to 128 printable ASCII characters without / @ " or spaces, or generate one.',
      },
    });
    await expect(setConfig(ssm, 'shop', 'POSTGRES_PASSWORD', 'short', services)).rejects.toMatchObject({ appError: { message: expect.stringContaining('because it is shorter than 8 characters') } });
    await expect(setConfig(ssm, 'shop', 'POSTGRES_PASSWORD', 'pässwörd-long', services)).rejects.toMatchObject({ appError: { message: expect.stringContaining('outside printable ASCII') } });
    expect(ssmMock.commandCalls(PutParameterCommand)).toHaveLength(0);
    // The same value is fine for a name no database uses, and a fitting password is stored.
    await setConfig(ssm, 'shop', 'API_KEY', canary, services);
    await setConfig(ssm, 'shop', 'POSTGRES_PASSWORD', 'p:ss#w%rd-ok', services);
    expect(ssmMock.commandCalls(PutParameterCommand).map((c) => c.args[0].input.Name)).toEqual(['/Berth/shop/API_KEY', '/Berth/shop/POSTGRES_PASSWORD']);
  });

  it('skips a refused password in a .env import with the reason, and refuses a Defang import before writing anything', async () => {
    ssmMock.on(PutParameterCommand).resolves({});
    await writeFile(join(dir, '.env'), 'POSTGRES_PASSWORD=a/b\nAPI_KEY=abc\n');
    const result = await importEnvFile(ssm, 'shop', dir, '.env', undefined, services);
    expect(result.imported).toEqual(['API_KEY']);
    expect(result.skipped).toEqual([{ name: 'POSTGRES_PASSWORD', reason: expect.stringContaining('because it is shorter than 8 characters, it contains "/"') }]);
    ssmMock.reset();
    ssmMock.on(GetParametersCommand).resolves({ Parameters: [{ Name: '/Defang/shop/beta/API_KEY', Value: 'k' }, { Name: '/Defang/shop/beta/POSTGRES_PASSWORD', Value: 'has space in it' }] });
    await expect(importDefang(ssm, 'shop', 'beta', ['API_KEY', 'POSTGRES_PASSWORD'], services)).rejects.toMatchObject({ appError: { code: 'INVALID_ARGUMENT' } });
    expect(ssmMock.commandCalls(PutParameterCommand)).toHaveLength(0);
  });

  it('a config value that names a model must be a model: never generated, never echoed, set when it is one', async () => {
    ssmMock.on(PutParameterCommand).resolves({});
    const llm = [
      { name: 'app', managed: undefined, llm: { models: [], configModels: ['LLM_MODEL', 'EMBED'] }, environment: { LLM_MODEL: { kind: 'config', name: 'LLM_MODEL' }, EMBED: { kind: 'config', name: 'EMBEDDING_CHOICE' } } },
    ] as unknown as Parameters<typeof setConfig>[4] & object;
    await expect(generateConfig(ssm, 'shop', 'LLM_MODEL', 32, llm)).rejects.toMatchObject({
      appError: {
        code: 'INVALID_ARGUMENT',
        message: 'LLM_MODEL names the Amazon Bedrock model its service calls (app reads it as LLM_MODEL), so a random value cannot be one. Set it to a model, a Bedrock model or profile id such as us.amazon.nova-lite-v1:0 or amazon.titan-embed-text-v2:0 (docs/models.md lists them all).',
      },
    });
    // The config name a variable reads is what is judged, not the variable's own name.
    await expect(generateConfig(ssm, 'shop', 'EMBEDDING_CHOICE', 32, llm)).rejects.toMatchObject({ appError: { message: expect.stringContaining('(app reads it as EMBED)') } });
    const canary = 'canary-model-7b1d';
    const refused = await setConfig(ssm, 'shop', 'LLM_MODEL', canary, llm).catch((e: unknown) => e);
    expect(refused).toMatchObject({ appError: { code: 'INVALID_ARGUMENT', message: expect.stringContaining('is not a model Berth knows') } });
    expect(JSON.stringify(refused) + String(refused)).not.toContain(canary);
    expect(ssmMock.commandCalls(PutParameterCommand)).toHaveLength(0);
    // An alias only Berth's gateway knows: the service would send it to Bedrock as it is.
    await expect(setConfig(ssm, 'shop', 'LLM_MODEL', 'chat-default', llm)).rejects.toMatchObject({ appError: { message: expect.stringContaining('Use the model\'s id, amazon.nova-2-lite-v1:0, or its profile id for your region such as us.amazon.nova-2-lite-v1:0.') } });
    await setConfig(ssm, 'shop', 'LLM_MODEL', 'us.amazon.nova-lite-v1:0', llm);
    await setConfig(ssm, 'shop', 'LLM_MODEL', 'bedrock/amazon.titan-embed-text-v2:0', llm);
    await generateConfig(ssm, 'shop', 'API_KEY', 32, llm);
    expect(ssmMock.commandCalls(PutParameterCommand).map((c) => c.args[0].input.Name)).toEqual(['/Berth/shop/LLM_MODEL', '/Berth/shop/LLM_MODEL', '/Berth/shop/API_KEY']);
  });
});
