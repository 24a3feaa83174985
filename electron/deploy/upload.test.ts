import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { awsError, connectionReset } from './testing/errors';
import { contextKey, uploadContext } from './upload';

const s3mock = mockClient(S3Client);
const s3 = new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
let dir: string;
let archive: string;
const SIZE = 11 * 1024 * 1024;
const digest = 'a'.repeat(64);
const noSleep = { baseDelayMs: 0, sleep: async () => undefined };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'berth-upload-'));
  archive = join(dir, `${digest}.tar.gz`);
  await writeFile(archive, Buffer.alloc(SIZE, 7));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));
beforeEach(() => {
  s3mock.reset();
  s3mock.on(HeadObjectCommand).rejects(awsError('NotFound', 'Not Found', 404));
  s3mock.on(CreateMultipartUploadCommand).resolves({ UploadId: 'up-1' });
  s3mock.on(UploadPartCommand).resolves({ ETag: '"etag"' });
  s3mock.on(CompleteMultipartUploadCommand).resolves({});
  s3mock.on(AbortMultipartUploadCommand).resolves({});
});

const input = () => ({ bucket: 'bkt', project: 'shop', digest, archivePath: archive, archiveBytes: SIZE, partSize: 5 * 1024 * 1024, retry: noSleep });

describe('uploadContext', () => {
  it('skips a digest the bucket already has', async () => {
    s3mock.on(HeadObjectCommand).resolves({});
    const result = await uploadContext(s3, input());
    expect(result).toEqual({ key: contextKey('shop', digest), uploaded: false });
    expect(s3mock.commandCalls(CreateMultipartUploadCommand)).toHaveLength(0);
    expect(s3mock.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  it('uploads in parts under uploads/<project>/<digest>.tar.gz with progress', async () => {
    const progress: number[] = [];
    const result = await uploadContext(s3, { ...input(), onProgress: (loaded) => progress.push(loaded) });
    expect(result.uploaded).toBe(true);
    expect(s3mock.commandCalls(CreateMultipartUploadCommand)[0]!.args[0].input).toMatchObject({ Bucket: 'bkt', Key: `uploads/shop/${digest}.tar.gz` });
    expect(s3mock.commandCalls(UploadPartCommand)).toHaveLength(3);
    expect(progress.at(-1)).toBe(SIZE);
  });

  it('retries a part that failed when the network dropped mid-upload', async () => {
    s3mock.on(UploadPartCommand).rejectsOnce(connectionReset()).resolves({ ETag: '"etag"' });
    const result = await uploadContext(s3, input());
    expect(result.uploaded).toBe(true);
    expect(s3mock.commandCalls(UploadPartCommand)).toHaveLength(4);
    expect(s3mock.commandCalls(CompleteMultipartUploadCommand)).toHaveLength(1);
  });

  it('gives up with a NETWORK error and aborts the multipart upload when the network stays down', async () => {
    s3mock.on(UploadPartCommand).rejects(connectionReset());
    const error = await uploadContext(s3, input()).catch((e: unknown) => e);
    expect(error).toMatchObject({ appError: { code: 'NETWORK' } });
    expect((error as Error).message).toMatch(/Uploading the build context aaaaaaaaaaaa failed/);
    expect(s3mock.commandCalls(AbortMultipartUploadCommand)).toHaveLength(1);
    expect(s3mock.commandCalls(CompleteMultipartUploadCommand)).toHaveLength(0);
  });

  it('maps throttling that outlasts the retries to THROTTLED', async () => {
    s3mock.on(HeadObjectCommand).rejects(awsError('SlowDown', 'Please reduce your request rate.', 503));
    await expect(uploadContext(s3, input())).rejects.toMatchObject({ appError: { code: 'THROTTLED' } });
  });

  it('stops and aborts when cancelled', async () => {
    const controller = new AbortController();
    s3mock.on(UploadPartCommand).callsFake(async () => {
      controller.abort();
      return { ETag: '"etag"' };
    });
    await expect(uploadContext(s3, { ...input(), signal: controller.signal })).rejects.toMatchObject({ appError: { code: 'CANCELLED' } });
    expect(s3mock.commandCalls(CompleteMultipartUploadCommand)).toHaveLength(0);
  });
});
