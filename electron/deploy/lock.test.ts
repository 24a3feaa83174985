import { DeleteObjectCommand, GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { DeploymentHolder } from '../../shared/domain/deploy';
import { holderView, ProjectLock } from './lock';

const s3 = mockClient(S3Client);
const client = new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
// Just what readHolder reads of a GetObject body.
const body = (value: unknown) => ({ transformToString: async () => JSON.stringify(value) }) as never;
const failed = () => new S3ServiceException({ name: 'PreconditionFailed', $fault: 'client', $metadata: { httpStatusCode: 412 }, message: 'At least one of the pre-conditions you specified did not hold' });
const now = Date.parse('2026-12-03T10:00:00Z');
const mine: DeploymentHolder = { deploymentId: 'mine', project: 'shop', identityArn: 'arn:aws:iam::1:user/me', host: 'my-mac', berthVersion: '1.0.0', account: '1', region: 'us-east-1', startedAt: '2026-12-03T10:00:00Z', heartbeatAt: '2026-12-03T10:00:00Z', phase: 'bootstrap' };
const theirs = (minutesAgo: number): DeploymentHolder => ({ ...mine, deploymentId: 'theirs', identityArn: 'arn:aws:iam::1:user/alex', host: 'alex-pc', heartbeatAt: new Date(now - minutesAgo * 60_000).toISOString(), startedAt: new Date(now - minutesAgo * 60_000).toISOString(), phase: 'build' });

beforeEach(() => s3.reset());

describe('ProjectLock', () => {
  it('loses the race for a free project to a live holder and names it', async () => {
    s3.on(GetObjectCommand).rejectsOnce(new NoSuchKey({ message: 'The specified key does not exist.', $metadata: {} })).resolves({ Body: body(theirs(0)), ETag: '"e1"' });
    s3.on(PutObjectCommand).rejects(failed());
    const lock = new ProjectLock(client, 'bucket', { now: () => now });
    await expect(lock.acquire(mine)).rejects.toMatchObject({ code: 'DEPLOY_IN_PROGRESS', message: expect.stringContaining('shop is being deployed by arn:aws:iam::1:user/alex on alex-pc (Berth 1.0.0) since 2026-12-03 10:00 UTC, phase build.') });
    expect(s3.commandCalls(PutObjectCommand)[0]!.args[0].input).toMatchObject({ IfNoneMatch: '*' });
  });

  it('a holder taken over stops beating, and does not delete the new holder on release', async () => {
    s3.on(GetObjectCommand).rejectsOnce(new NoSuchKey({ message: 'no', $metadata: {} })).resolves({ Body: body(theirs(0)), ETag: '"e9"' });
    s3.on(PutObjectCommand).resolvesOnce({ ETag: '"e1"' }).rejects(failed());
    const lock = new ProjectLock(client, 'bucket', { now: () => now, heartbeatMs: 3_600_000 });
    await lock.acquire(mine);
    await lock.beat();
    expect(s3.commandCalls(PutObjectCommand)[1]!.args[0].input).toMatchObject({ IfMatch: '"e1"' });
    expect(lock.taken).toBe(true);
    await lock.release();
    expect(s3.commandCalls(DeleteObjectCommand)).toHaveLength(0);
  });

  it('is stale after ten silent minutes, and only the typed project name takes it over', async () => {
    expect(holderView(theirs(10), now).stale).toBe(false);
    expect(holderView(theirs(11), now)).toMatchObject({ stale: true, silentMinutes: 11 });
    s3.on(GetObjectCommand).callsFake(() => ({ Body: body(theirs(30)), ETag: '"e1"' }));
    s3.on(PutObjectCommand).resolves({ ETag: '"e2"' });
    const lock = new ProjectLock(client, 'bucket', { now: () => now, heartbeatMs: 3_600_000 });
    await expect(lock.acquire(mine, 'shp')).rejects.toMatchObject({ message: expect.stringContaining('looks abandoned') });
    const taken = await lock.acquire(mine, 'shop');
    expect(taken.tookOverFrom).toEqual({ deploymentId: 'theirs', identityArn: 'arn:aws:iam::1:user/alex', host: 'alex-pc', heartbeatAt: theirs(30).heartbeatAt });
    expect(s3.commandCalls(PutObjectCommand).at(-1)!.args[0].input).toMatchObject({ IfMatch: '"e1"' });
    await lock.release();
  });
});

describe('ProjectLock heartbeats', () => {
  it('a heartbeat and a phase change at the same moment are not mistaken for a takeover', async () => {
    // S3 as it is: If-Match must name the object's current ETag.
    let etag = 0;
    s3.on(GetObjectCommand).rejectsOnce(new NoSuchKey({ message: 'no', $metadata: {} })).callsFake(() => ({ Body: body(mine), ETag: `"e${etag}"` }));
    s3.on(PutObjectCommand).callsFake(async (input: { IfMatch?: string }) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (input.IfMatch && input.IfMatch !== `"e${etag}"`) throw failed();
      etag += 1;
      return { ETag: `"e${etag}"` };
    });
    s3.on(DeleteObjectCommand).resolves({});
    let clock = now;
    const lock = new ProjectLock(client, 'bucket', { now: () => clock, heartbeatMs: 3_600_000 });
    await lock.acquire(mine);
    clock += 60_000;
    await Promise.all([lock.beat(), lock.phaseChanged('build'), lock.beat()]);
    expect(lock.taken).toBe(false);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(4);
    await lock.release();
    expect(s3.commandCalls(DeleteObjectCommand)).toHaveLength(1);
  });
});
