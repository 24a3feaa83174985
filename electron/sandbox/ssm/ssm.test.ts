import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AddTagsToResourceCommand,
  DeleteParameterCommand,
  DeleteParametersCommand,
  DescribeParametersCommand,
  GetParameterCommand,
  GetParametersByPathCommand,
  GetParametersCommand,
  ListTagsForResourceCommand,
  ParameterAlreadyExists,
  ParameterNotFound,
  PutParameterCommand,
  paginateGetParametersByPath,
} from '@aws-sdk/client-ssm';
import { startSandbox, type Sandbox } from '../index';
import { sandboxClients, type SandboxClients } from '../testing/clients';

describe('sandbox SSM', () => {
  let sb: Sandbox;
  let c: SandboxClients;
  beforeAll(async () => {
    sb = await startSandbox();
    c = sandboxClients(sb);
  });
  afterAll(async () => {
    c.destroy();
    await sb.close();
  });

  it('stores SecureStrings and reveals them only with decryption', async () => {
    const put = await c.ssm.send(new PutParameterCommand({ Name: '/Berth/app/DB_PASSWORD', Value: 's3cr3t!', Type: 'SecureString', Tags: [{ Key: 'berth:project', Value: 'app' }] }));
    expect(put.Version).toBe(1);
    const hidden = await c.ssm.send(new GetParameterCommand({ Name: '/Berth/app/DB_PASSWORD' }));
    expect(hidden.Parameter?.Value).not.toContain('s3cr3t');
    expect(hidden.Parameter?.Type).toBe('SecureString');
    expect(hidden.Parameter?.ARN).toBe('arn:aws:ssm:us-east-1:000000000000:parameter/Berth/app/DB_PASSWORD');
    const shown = await c.ssm.send(new GetParameterCommand({ Name: '/Berth/app/DB_PASSWORD', WithDecryption: true }));
    expect(shown.Parameter?.Value).toBe('s3cr3t!');
    expect(shown.Parameter?.LastModifiedDate).toBeInstanceOf(Date);
  });

  it('refuses to overwrite without Overwrite, and counts versions when it may', async () => {
    await expect(c.ssm.send(new PutParameterCommand({ Name: '/Berth/app/DB_PASSWORD', Value: 'x', Type: 'SecureString' }))).rejects.toBeInstanceOf(ParameterAlreadyExists);
    const again = await c.ssm.send(new PutParameterCommand({ Name: '/Berth/app/DB_PASSWORD', Value: 'n3w-secret', Overwrite: true }));
    expect(again.Version).toBe(2);
    const v = await c.ssm.send(new GetParameterCommand({ Name: '/Berth/app/DB_PASSWORD', WithDecryption: true }));
    expect(v.Parameter).toMatchObject({ Value: 'n3w-secret', Type: 'SecureString', Version: 2 });
  });

  it('raises ParameterNotFound for a missing name', async () => {
    await expect(c.ssm.send(new GetParameterCommand({ Name: '/nope' }))).rejects.toBeInstanceOf(ParameterNotFound);
    await expect(c.ssm.send(new DeleteParameterCommand({ Name: '/nope' }))).rejects.toBeInstanceOf(ParameterNotFound);
  });

  it('lists by path one level or recursively, paginating at 10', async () => {
    for (let i = 0; i < 23; i++) await c.ssm.send(new PutParameterCommand({ Name: `/Berth/many/K${String(i).padStart(2, '0')}`, Value: `v${i}`, Type: 'String' }));
    await c.ssm.send(new PutParameterCommand({ Name: '/Berth/many/deep/X', Value: 'deep', Type: 'String' }));
    const names: string[] = [];
    for await (const page of paginateGetParametersByPath({ client: c.ssm }, { Path: '/Berth/many' })) names.push(...(page.Parameters ?? []).map((p) => p.Name!));
    expect(names).toHaveLength(23);
    expect(names).not.toContain('/Berth/many/deep/X');
    const first = await c.ssm.send(new GetParametersByPathCommand({ Path: '/Berth/many', Recursive: true }));
    expect(first.Parameters).toHaveLength(10);
    expect(first.NextToken).toBeDefined();
    const all: string[] = [];
    for await (const page of paginateGetParametersByPath({ client: c.ssm }, { Path: '/Berth', Recursive: true })) all.push(...(page.Parameters ?? []).map((p) => p.Name!));
    expect(all).toContain('/Berth/many/deep/X');
    expect(all).toContain('/Berth/app/DB_PASSWORD');
  });

  it('gets several at once and reports the missing ones', async () => {
    const out = await c.ssm.send(new GetParametersCommand({ Names: ['/Berth/many/K01', '/missing'] }));
    expect(out.Parameters?.map((p) => p.Value)).toEqual(['v1']);
    expect(out.InvalidParameters).toEqual(['/missing']);
  });

  it('describes with filters and never returns values', async () => {
    const out = await c.ssm.send(new DescribeParametersCommand({ ParameterFilters: [{ Key: 'Path', Option: 'Recursive', Values: ['/Berth/app'] }] }));
    expect(out.Parameters?.map((p) => p.Name)).toEqual(['/Berth/app/DB_PASSWORD']);
    expect(JSON.stringify(out)).not.toContain('n3w-secret');
    const tagged = await c.ssm.send(new DescribeParametersCommand({ ParameterFilters: [{ Key: 'tag:berth:project', Values: ['app'] }] }));
    expect(tagged.Parameters).toHaveLength(1);
  });

  it('tags parameters and deletes in batches', async () => {
    await c.ssm.send(new AddTagsToResourceCommand({ ResourceType: 'Parameter', ResourceId: '/Berth/many/K00', Tags: [{ Key: 'berth:managed-by', Value: 'berth' }] }));
    const tags = await c.ssm.send(new ListTagsForResourceCommand({ ResourceType: 'Parameter', ResourceId: '/Berth/many/K00' }));
    expect(tags.TagList).toEqual([{ Key: 'berth:managed-by', Value: 'berth' }]);
    const del = await c.ssm.send(new DeleteParametersCommand({ Names: ['/Berth/many/K00', '/Berth/many/K01', '/gone'] }));
    expect(del.DeletedParameters).toEqual(['/Berth/many/K00', '/Berth/many/K01']);
    expect(del.InvalidParameters).toEqual(['/gone']);
  });
});
