/** The sandbox's Secrets Manager through the real SDK client: versions, deletion windows, AWS's errors. */
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  InvalidParameterException,
  InvalidRequestException,
  ListSecretsCommand,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  RestoreSecretCommand,
  TagResourceCommand,
} from '@aws-sdk/client-secrets-manager';
import { GetResourcesCommand } from '@aws-sdk/client-resource-groups-tagging-api';
import { describe, expect, it } from 'vitest';
import { sandboxForSuite } from '../testing/clients';

const suite = sandboxForSuite('berth-sm-');

describe('sandbox Secrets Manager', () => {
  it('creates a secret with an ARN AWS would give it, and reads it by name, ARN or ARN without the suffix', async () => {
    const sm = suite.c.secretsManager;
    const created = await sm.send(new CreateSecretCommand({ Name: 'app/db', SecretString: 'one', Description: 'the db', Tags: [{ Key: 'team', Value: 'core' }] }));
    expect(created.ARN).toMatch(/^arn:aws:secretsmanager:us-east-1:000000000000:secret:app\/db-[A-Za-z0-9]{6}$/);
    for (const id of ['app/db', created.ARN!, created.ARN!.slice(0, -7)]) expect((await sm.send(new GetSecretValueCommand({ SecretId: id }))).SecretString).toBe('one');
    await expect(sm.send(new CreateSecretCommand({ Name: 'app/db', SecretString: 'x' }))).rejects.toThrow(ResourceExistsException);
    await expect(sm.send(new CreateSecretCommand({ Name: 'bad name', SecretString: 'x' }))).rejects.toThrow(InvalidParameterException);
    await expect(sm.send(new GetSecretValueCommand({ SecretId: 'nope' }))).rejects.toThrow("Secrets Manager can't find the specified secret.");
  });

  it('moves AWSCURRENT to a new value and keeps the old one as AWSPREVIOUS', async () => {
    const sm = suite.c.secretsManager;
    await sm.send(new CreateSecretCommand({ Name: 'rot', SecretString: 'v1' }));
    const second = await sm.send(new PutSecretValueCommand({ SecretId: 'rot', SecretString: 'v2' }));
    expect(second.VersionStages).toEqual(['AWSCURRENT']);
    expect((await sm.send(new GetSecretValueCommand({ SecretId: 'rot' }))).SecretString).toBe('v2');
    expect((await sm.send(new GetSecretValueCommand({ SecretId: 'rot', VersionStage: 'AWSPREVIOUS' }))).SecretString).toBe('v1');
    const described = await sm.send(new DescribeSecretCommand({ SecretId: 'rot' }));
    expect(Object.values(described.VersionIdsToStages!).sort()).toEqual([['AWSCURRENT'], ['AWSPREVIOUS']]);
  });

  it('keeps a deleted secret’s name taken for the recovery window; it can be restored; force deletes at once', async () => {
    const sm = suite.c.secretsManager;
    await sm.send(new CreateSecretCommand({ Name: 'gone', SecretString: 'x' }));
    await expect(sm.send(new DeleteSecretCommand({ SecretId: 'gone', RecoveryWindowInDays: 7, ForceDeleteWithoutRecovery: true }))).rejects.toThrow(
      "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.",
    );
    await expect(sm.send(new DeleteSecretCommand({ SecretId: 'gone', RecoveryWindowInDays: 3 }))).rejects.toThrow(InvalidParameterException);
    const scheduled = await sm.send(new DeleteSecretCommand({ SecretId: 'gone' }));
    expect(scheduled.DeletionDate!.getTime() - Date.now()).toBeGreaterThan(29 * 86_400_000);
    expect((await sm.send(new DescribeSecretCommand({ SecretId: 'gone' }))).DeletedDate).toBeInstanceOf(Date);
    await expect(sm.send(new GetSecretValueCommand({ SecretId: 'gone' }))).rejects.toThrow(InvalidRequestException);
    await expect(sm.send(new CreateSecretCommand({ Name: 'gone', SecretString: 'y' }))).rejects.toThrow("You can't create this secret because a secret with this name is already scheduled for deletion.");
    expect((await sm.send(new ListSecretsCommand({}))).SecretList!.map((s) => s.Name)).not.toContain('gone');
    expect((await sm.send(new ListSecretsCommand({ IncludePlannedDeletion: true }))).SecretList!.map((s) => s.Name)).toContain('gone');
    await sm.send(new RestoreSecretCommand({ SecretId: 'gone' }));
    expect((await sm.send(new GetSecretValueCommand({ SecretId: 'gone' }))).SecretString).toBe('x');
    await sm.send(new DeleteSecretCommand({ SecretId: 'gone', ForceDeleteWithoutRecovery: true }));
    await expect(sm.send(new DescribeSecretCommand({ SecretId: 'gone' }))).rejects.toThrow(ResourceNotFoundException);
    await sm.send(new CreateSecretCommand({ Name: 'gone', SecretString: 'again' }));
  });

  it('filters and pages the list, and shows tagged secrets to the tagging API', async () => {
    const sm = suite.c.secretsManager;
    for (const n of ['list/a', 'list/b', 'list/c']) await sm.send(new CreateSecretCommand({ Name: n, SecretString: n }));
    await sm.send(new TagResourceCommand({ SecretId: 'list/b', Tags: [{ Key: 'berth:managed-by', Value: 'berth' }] }));
    const first = await sm.send(new ListSecretsCommand({ Filters: [{ Key: 'name', Values: ['list/'] }], MaxResults: 2 }));
    expect(first.SecretList!.map((s) => s.Name)).toEqual(['list/a', 'list/b']);
    const rest = await sm.send(new ListSecretsCommand({ Filters: [{ Key: 'name', Values: ['list/'] }], MaxResults: 2, NextToken: first.NextToken }));
    expect(rest.SecretList!.map((s) => s.Name)).toEqual(['list/c']);
    const tagged = await suite.c.tagging.send(new GetResourcesCommand({ TagFilters: [{ Key: 'berth:managed-by', Values: ['berth'] }], ResourceTypeFilters: ['secretsmanager:secret'] }));
    expect(tagged.ResourceTagMappingList!.map((r) => r.ResourceARN)).toEqual([expect.stringMatching(/:secret:list\/b-[A-Za-z0-9]{6}$/)]);
  });
});
