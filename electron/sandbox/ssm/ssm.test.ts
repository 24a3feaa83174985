import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AddTagsToResourceCommand,
  DeleteParameterCommand,
  DeleteParametersCommand,
  DescribeParametersCommand,
  GetParameterCommand,
  GetParameterHistoryCommand,
  GetParametersByPathCommand,
  GetParametersCommand,
  LabelParameterVersionCommand,
  ListTagsForResourceCommand,
  ParameterAlreadyExists,
  ParameterMaxVersionLimitExceeded,
  ParameterNotFound,
  ParameterVersionNotFound,
  PutParameterCommand,
  UnlabelParameterVersionCommand,
  paginateGetParameterHistory,
  paginateGetParametersByPath,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { startSandbox, type Sandbox } from '../index';
import { loadState, saveState } from '../state';
import { sandboxClients, sandboxForSuite, type SandboxClients } from '../testing/clients';

/** Writes `values` as successive versions of one parameter (the first creates it). */
async function putVersions(ssm: SSMClient, name: string, values: string[], type: 'String' | 'SecureString' = 'SecureString'): Promise<void> {
  for (const [i, value] of values.entries()) await ssm.send(new PutParameterCommand({ Name: name, Value: value, Type: type, Overwrite: i > 0 || undefined }));
}

/** Every version of a parameter, through the paginator, oldest first. */
async function history(ssm: SSMClient, name: string, decrypt = true): Promise<{ version: number; value: string; labels: string[] }[]> {
  const out: { version: number; value: string; labels: string[] }[] = [];
  for await (const page of paginateGetParameterHistory({ client: ssm }, { Name: name, WithDecryption: decrypt })) {
    for (const p of page.Parameters ?? []) out.push({ version: p.Version!, value: p.Value!, labels: p.Labels ?? [] });
  }
  return out;
}

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

describe('sandbox SSM version history', () => {
  const suite = sandboxForSuite('berth-sandbox-ssm-versions-');

  it('reads an earlier version by name:version or ARN:version, with its Selector, after later ones are written', async () => {
    await putVersions(suite.c.ssm, '/Berth/p/X', ['first-secret', 'second-secret', 'third-secret']);
    const v1 = await suite.c.ssm.send(new GetParameterCommand({ Name: '/Berth/p/X:1', WithDecryption: true }));
    expect(v1.Parameter).toMatchObject({ Name: '/Berth/p/X', Value: 'first-secret', Version: 1, Selector: ':1', Type: 'SecureString', ARN: 'arn:aws:ssm:us-east-1:000000000000:parameter/Berth/p/X' });
    const byArn = await suite.c.ssm.send(new GetParameterCommand({ Name: 'arn:aws:ssm:us-east-1:000000000000:parameter/Berth/p/X:2', WithDecryption: true }));
    expect(byArn.Parameter).toMatchObject({ Value: 'second-secret', Version: 2, Selector: ':2' });
    const latest = await suite.c.ssm.send(new GetParameterCommand({ Name: '/Berth/p/X', WithDecryption: true }));
    expect(latest.Parameter).toMatchObject({ Value: 'third-secret', Version: 3 });
    expect(latest.Parameter?.Selector).toBeUndefined();
    // Without decryption an old version stays hidden too.
    const hidden = await suite.c.ssm.send(new GetParameterCommand({ Name: '/Berth/p/X:1' }));
    expect(hidden.Parameter?.Value).not.toContain('first-secret');
  });

  it('rolls back by writing an earlier version again as a new one', async () => {
    const old = await suite.c.ssm.send(new GetParameterCommand({ Name: '/Berth/p/X:1', WithDecryption: true }));
    const put = await suite.c.ssm.send(new PutParameterCommand({ Name: '/Berth/p/X', Value: old.Parameter!.Value!, Overwrite: true }));
    expect(put.Version).toBe(4);
    expect((await history(suite.c.ssm, '/Berth/p/X')).map((v) => v.value)).toEqual(['first-secret', 'second-secret', 'third-secret', 'first-secret']);
  });

  it('fails for a version the parameter never had, as AWS words it', async () => {
    const missing = suite.c.ssm.send(new GetParameterCommand({ Name: '/Berth/p/X:9', WithDecryption: true }));
    await expect(missing).rejects.toBeInstanceOf(ParameterVersionNotFound);
    await expect(missing).rejects.toThrow('Systems Manager could not find version 9 of /Berth/p/X. Verify the version and try again.');
    await expect(suite.c.ssm.send(new GetParameterCommand({ Name: '/Berth/p/Nope:1' }))).rejects.toBeInstanceOf(ParameterNotFound);
  });

  it('GetParameters returns the versions asked for and lists a missing version as invalid', async () => {
    const out = await suite.c.ssm.send(new GetParametersCommand({ Names: ['/Berth/p/X:2', '/Berth/p/X:9', '/Berth/p/X'], WithDecryption: true }));
    expect(out.Parameters?.map((p) => [p.Version, p.Value, p.Selector])).toEqual([
      [2, 'second-secret', ':2'],
      [4, 'first-secret', undefined],
    ]);
    expect(out.InvalidParameters).toEqual(['/Berth/p/X:9']);
  });

  it('pages through the history oldest first, hiding SecureString values unless decrypting', async () => {
    await putVersions(suite.c.ssm, '/Berth/p/Paged', ['a', 'b', 'c', 'd', 'e', 'f', 'g'], 'String');
    const first = await suite.c.ssm.send(new GetParameterHistoryCommand({ Name: '/Berth/p/Paged', MaxResults: 3 }));
    expect(first.Parameters?.map((p) => p.Version)).toEqual([1, 2, 3]);
    expect(first.NextToken).toBeDefined();
    const second = await suite.c.ssm.send(new GetParameterHistoryCommand({ Name: '/Berth/p/Paged', MaxResults: 3, NextToken: first.NextToken }));
    expect(second.Parameters?.map((p) => p.Value)).toEqual(['d', 'e', 'f']);
    const last = await suite.c.ssm.send(new GetParameterHistoryCommand({ Name: '/Berth/p/Paged', MaxResults: 3, NextToken: second.NextToken }));
    expect(last.Parameters?.map((p) => p.Value)).toEqual(['g']);
    expect(last.NextToken).toBeUndefined();
    await expect(suite.c.ssm.send(new GetParameterHistoryCommand({ Name: '/Berth/p/Paged', MaxResults: 51 }))).rejects.toThrow("Value '51' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 50");
    await expect(suite.c.ssm.send(new GetParameterHistoryCommand({ Name: '/Berth/p/Paged', MaxResults: 0 }))).rejects.toThrow('Member must have value greater than or equal to 1');
    const secret = await history(suite.c.ssm, '/Berth/p/X', false);
    expect(secret).toHaveLength(4);
    expect(JSON.stringify(secret)).not.toContain('secret');
    expect((await history(suite.c.ssm, '/Berth/p/X')).map((v) => v.value)).toContain('second-secret');
  });

  it('labels versions: a label names one version, moves when attached elsewhere, and invalid ones are refused', async () => {
    const labelled = await suite.c.ssm.send(new LabelParameterVersionCommand({ Name: '/Berth/p/Paged', ParameterVersion: 2, Labels: ['release-1', '1st', 'awsy', 'ok.name_2'] }));
    expect(labelled).toMatchObject({ ParameterVersion: 2, InvalidLabels: ['1st', 'awsy'] });
    await suite.c.ssm.send(new LabelParameterVersionCommand({ Name: '/Berth/p/Paged', Labels: ['release-1'] }));
    const labels = (await history(suite.c.ssm, '/Berth/p/Paged')).filter((v) => v.labels.length > 0).map((v) => [v.version, v.labels]);
    expect(labels).toEqual([
      [2, ['ok.name_2']],
      [7, ['release-1']],
    ]);
    const removed = await suite.c.ssm.send(new UnlabelParameterVersionCommand({ Name: '/Berth/p/Paged', ParameterVersion: 2, Labels: ['ok.name_2', 'release-1'] }));
    expect(removed).toMatchObject({ RemovedLabels: ['ok.name_2'], InvalidLabels: ['release-1'] });
    await expect(suite.c.ssm.send(new LabelParameterVersionCommand({ Name: '/Berth/p/Paged', ParameterVersion: 8, Labels: ['x'] }))).rejects.toBeInstanceOf(ParameterVersionNotFound);
  });

  it('keeps the last 100 versions, and refuses a new one while the oldest carries a label', async () => {
    const name = '/Berth/p/Busy';
    await putVersions(suite.c.ssm, name, Array.from({ length: 105 }, (_, i) => `value-${i + 1}`), 'String');
    const kept = await history(suite.c.ssm, name);
    expect(kept).toHaveLength(100);
    expect(kept[0]).toMatchObject({ version: 6, value: 'value-6' });
    expect(kept[99]).toMatchObject({ version: 105, value: 'value-105' });
    await expect(suite.c.ssm.send(new GetParameterCommand({ Name: `${name}:5` }))).rejects.toBeInstanceOf(ParameterVersionNotFound);
    expect((await suite.c.ssm.send(new GetParameterCommand({ Name: `${name}:6` }))).Parameter?.Value).toBe('value-6');
    // A labelled oldest version is never dropped: the write fails instead and nothing changes.
    await suite.c.ssm.send(new LabelParameterVersionCommand({ Name: name, ParameterVersion: 6, Labels: ['golden'] }));
    const refused = suite.c.ssm.send(new PutParameterCommand({ Name: name, Value: 'value-106', Overwrite: true }));
    await expect(refused).rejects.toBeInstanceOf(ParameterMaxVersionLimitExceeded);
    await expect(refused).rejects.toThrow(
      "You attempted to create a new version of /Berth/p/Busy by calling the PutParameter API with the overwrite flag. Version 6, the oldest version, can't be deleted because it has a label associated with it. Move the label to another version of the parameter, and try again.",
    );
    expect((await suite.c.ssm.send(new GetParameterCommand({ Name: name }))).Parameter?.Version).toBe(105);
    // Moving the label lets the oldest version go.
    await suite.c.ssm.send(new LabelParameterVersionCommand({ Name: name, ParameterVersion: 50, Labels: ['golden'] }));
    expect((await suite.c.ssm.send(new PutParameterCommand({ Name: name, Value: 'value-106', Overwrite: true }))).Version).toBe(106);
    const after = await history(suite.c.ssm, name);
    expect(after.map((v) => v.version)).toEqual(Array.from({ length: 100 }, (_, i) => i + 7));
    expect(after.find((v) => v.version === 50)?.labels).toEqual(['golden']);
  });

  it('deletes every version with the parameter: a new one starts again at version 1', async () => {
    await suite.c.ssm.send(new DeleteParameterCommand({ Name: '/Berth/p/X' }));
    await expect(suite.c.ssm.send(new GetParameterCommand({ Name: '/Berth/p/X:2' }))).rejects.toBeInstanceOf(ParameterNotFound);
    await expect(suite.c.ssm.send(new GetParameterHistoryCommand({ Name: '/Berth/p/X' }))).rejects.toBeInstanceOf(ParameterNotFound);
    await putVersions(suite.c.ssm, '/Berth/p/X', ['fresh']);
    await expect(suite.c.ssm.send(new GetParameterCommand({ Name: '/Berth/p/X:2' }))).rejects.toBeInstanceOf(ParameterVersionNotFound);
    expect(await history(suite.c.ssm, '/Berth/p/X')).toEqual([{ version: 1, value: 'fresh', labels: [] }]);
    await suite.c.ssm.send(new DeleteParametersCommand({ Names: ['/Berth/p/Paged'] }));
    await putVersions(suite.c.ssm, '/Berth/p/Paged', ['again'], 'String');
    expect((await history(suite.c.ssm, '/Berth/p/Paged')).map((v) => v.version)).toEqual([1]);
  });
});

describe('sandbox SSM state written before version history', () => {
  it('loads a parameter without history as having only its latest version, and keeps history from then on', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'berth-sandbox-ssm-'));
    try {
      let sb = await startSandbox({ dataDir: dir });
      let c = sandboxClients(sb);
      await putVersions(c.ssm, '/Berth/p/Old', ['one', 'two'], 'String');
      c.destroy();
      await sb.close();
      // Rewrite the file as an older sandbox wrote it: the latest version only, no history or labels.
      const state = await loadState(dir);
      const old = state.ssm.parameters.get('/Berth/p/Old')!;
      delete old.history;
      delete old.labels;
      await saveState(dir, state);
      sb = await startSandbox({ dataDir: dir });
      c = sandboxClients(sb);
      expect(await history(c.ssm, '/Berth/p/Old')).toEqual([{ version: 2, value: 'two', labels: [] }]);
      await expect(c.ssm.send(new GetParameterCommand({ Name: '/Berth/p/Old:1' }))).rejects.toBeInstanceOf(ParameterVersionNotFound);
      await c.ssm.send(new PutParameterCommand({ Name: '/Berth/p/Old', Value: 'three', Overwrite: true }));
      expect(await history(c.ssm, '/Berth/p/Old')).toEqual([
        { version: 2, value: 'two', labels: [] },
        { version: 3, value: 'three', labels: [] },
      ]);
      c.destroy();
      await sb.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
