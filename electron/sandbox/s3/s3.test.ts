import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BucketAlreadyOwnedByYou,
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteBucketPolicyCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketPolicyCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  NoSuchBucket,
  NoSuchKey,
  NotFound,
  PutBucketPolicyCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3ServiceException,
  paginateListObjectsV2,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { Readable } from 'node:stream';
import { startSandbox, type Sandbox } from '../index';
import { sandboxClients, type SandboxClients } from '../testing/clients';

describe('sandbox S3', () => {
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

  it('creates, lists and heads buckets; a second create is BucketAlreadyOwnedByYou', async () => {
    await c.s3.send(new CreateBucketCommand({ Bucket: 'berth-artifacts' }));
    await expect(c.s3.send(new CreateBucketCommand({ Bucket: 'berth-artifacts' }))).rejects.toBeInstanceOf(BucketAlreadyOwnedByYou);
    expect((await c.s3.send(new ListBucketsCommand({}))).Buckets?.map((b) => b.Name)).toContain('berth-artifacts');
    await c.s3.send(new HeadBucketCommand({ Bucket: 'berth-artifacts' }));
    await expect(c.s3.send(new HeadBucketCommand({ Bucket: 'missing-bucket' }))).rejects.toBeInstanceOf(NotFound);
    await expect(c.s3.send(new PutObjectCommand({ Bucket: 'missing-bucket', Key: 'k', Body: 'x' }))).rejects.toBeInstanceOf(NoSuchBucket);
  });

  it('puts, gets, heads, copies and deletes objects with metadata and ranges', async () => {
    await c.s3.send(new PutObjectCommand({ Bucket: 'berth-artifacts', Key: 'dir/a b+c.txt', Body: 'hello sandbox', ContentType: 'text/plain', Metadata: { digest: 'abc' } }));
    const got = await c.s3.send(new GetObjectCommand({ Bucket: 'berth-artifacts', Key: 'dir/a b+c.txt' }));
    expect(await got.Body?.transformToString()).toBe('hello sandbox');
    expect(got.ContentType).toBe('text/plain');
    expect(got.Metadata).toEqual({ digest: 'abc' });
    expect(got.ETag).toBe(`"${createHash('md5').update('hello sandbox').digest('hex')}"`);
    const range = await c.s3.send(new GetObjectCommand({ Bucket: 'berth-artifacts', Key: 'dir/a b+c.txt', Range: 'bytes=6-12' }));
    expect(await range.Body?.transformToString()).toBe('sandbox');
    const head = await c.s3.send(new HeadObjectCommand({ Bucket: 'berth-artifacts', Key: 'dir/a b+c.txt' }));
    expect(head.ContentLength).toBe(13);
    await c.s3.send(new CopyObjectCommand({ Bucket: 'berth-artifacts', Key: 'copy.txt', CopySource: 'berth-artifacts/dir/a%20b%2Bc.txt' }));
    expect(await (await c.s3.send(new GetObjectCommand({ Bucket: 'berth-artifacts', Key: 'copy.txt' }))).Body?.transformToString()).toBe('hello sandbox');
    await c.s3.send(new DeleteObjectCommand({ Bucket: 'berth-artifacts', Key: 'copy.txt' }));
    await expect(c.s3.send(new GetObjectCommand({ Bucket: 'berth-artifacts', Key: 'copy.txt' }))).rejects.toBeInstanceOf(NoSuchKey);
    await expect(c.s3.send(new HeadObjectCommand({ Bucket: 'berth-artifacts', Key: 'copy.txt' }))).rejects.toBeInstanceOf(NotFound);
  });

  it('lists with prefixes, delimiters and continuation tokens', async () => {
    for (let i = 0; i < 12; i++) await c.s3.send(new PutObjectCommand({ Bucket: 'berth-artifacts', Key: `uploads/app/${i}.tgz`, Body: `${i}` }));
    const top = await c.s3.send(new ListObjectsV2Command({ Bucket: 'berth-artifacts', Delimiter: '/' }));
    expect(top.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['dir/', 'uploads/']);
    const keys: string[] = [];
    for await (const page of paginateListObjectsV2({ client: c.s3, pageSize: 5 }, { Bucket: 'berth-artifacts', Prefix: 'uploads/' })) keys.push(...(page.Contents ?? []).map((o) => o.Key!));
    expect(keys).toHaveLength(12);
    expect(new Set(keys).size).toBe(12);
  });

  it('keeps versions, delete markers, and empties a versioned bucket with DeleteObjects; a non-empty bucket cannot be deleted', async () => {
    await c.s3.send(new CreateBucketCommand({ Bucket: 'versioned-bucket' }));
    await c.s3.send(new PutBucketVersioningCommand({ Bucket: 'versioned-bucket', VersioningConfiguration: { Status: 'Enabled' } }));
    expect((await c.s3.send(new GetBucketVersioningCommand({ Bucket: 'versioned-bucket' }))).Status).toBe('Enabled');
    const v1 = await c.s3.send(new PutObjectCommand({ Bucket: 'versioned-bucket', Key: 'rec.json', Body: '1' }));
    const v2 = await c.s3.send(new PutObjectCommand({ Bucket: 'versioned-bucket', Key: 'rec.json', Body: '2' }));
    expect(v1.VersionId).toBeDefined();
    expect(v1.VersionId).not.toBe(v2.VersionId);
    expect(await (await c.s3.send(new GetObjectCommand({ Bucket: 'versioned-bucket', Key: 'rec.json', VersionId: v1.VersionId }))).Body?.transformToString()).toBe('1');
    const del = await c.s3.send(new DeleteObjectCommand({ Bucket: 'versioned-bucket', Key: 'rec.json' }));
    expect(del.DeleteMarker).toBe(true);
    await expect(c.s3.send(new GetObjectCommand({ Bucket: 'versioned-bucket', Key: 'rec.json' }))).rejects.toBeInstanceOf(NoSuchKey);
    const error = await c.s3.send(new DeleteBucketCommand({ Bucket: 'versioned-bucket' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(S3ServiceException);
    expect(error).toMatchObject({ name: 'BucketNotEmpty', message: 'The bucket you tried to delete is not empty' });
    const versions = await c.s3.send(new ListObjectVersionsCommand({ Bucket: 'versioned-bucket' }));
    expect(versions.Versions).toHaveLength(2);
    expect(versions.DeleteMarkers).toHaveLength(1);
    const ids = [...(versions.Versions ?? []), ...(versions.DeleteMarkers ?? [])].map((v) => ({ Key: v.Key!, VersionId: v.VersionId! }));
    const out = await c.s3.send(new DeleteObjectsCommand({ Bucket: 'versioned-bucket', Delete: { Objects: ids } }));
    expect(out.Deleted).toHaveLength(3);
    await c.s3.send(new DeleteBucketCommand({ Bucket: 'versioned-bucket' }));
  });

  it('stores bucket policies', async () => {
    const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: 'arn:aws:s3:::berth-artifacts/*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }] });
    await c.s3.send(new PutBucketPolicyCommand({ Bucket: 'berth-artifacts', Policy: policy }));
    expect((await c.s3.send(new GetBucketPolicyCommand({ Bucket: 'berth-artifacts' }))).Policy).toBe(policy);
    await c.s3.send(new DeleteBucketPolicyCommand({ Bucket: 'berth-artifacts' }));
    await expect(c.s3.send(new GetBucketPolicyCommand({ Bucket: 'berth-artifacts' }))).rejects.toMatchObject({ name: 'NoSuchBucketPolicy' });
  });

  it('round-trips a 100 MB multipart upload byte for byte', async () => {
    const size = 100 * 1024 * 1024;
    const data = randomBytes(size);
    const upload = new Upload({ client: c.s3, params: { Bucket: 'berth-artifacts', Key: 'big/context.tar.gz', Body: Readable.from([data.subarray(0, size / 2), data.subarray(size / 2)]) }, partSize: 8 * 1024 * 1024, queueSize: 4 });
    let progressed = 0;
    upload.on('httpUploadProgress', (p) => (progressed = p.loaded ?? progressed));
    const done = await upload.done();
    expect(done.ETag).toMatch(/-13"$/);
    expect(progressed).toBe(size);
    const got = await c.s3.send(new GetObjectCommand({ Bucket: 'berth-artifacts', Key: 'big/context.tar.gz' }));
    const bytes = Buffer.from(await got.Body!.transformToByteArray());
    expect(bytes.length).toBe(size);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(createHash('sha256').update(data).digest('hex'));
  }, 60_000);
});
