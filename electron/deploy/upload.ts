/**
 * Uploading build contexts to the bucket under `uploads/<project>/<digest>.tar.gz`: skipped
 * when that key already exists (the digest names the content), otherwise a multipart upload
 * with lib-storage (progress, parts retried after the SDK's own retries gave up, aborted on cancel).
 */
import { createReadStream } from 'node:fs';
import { HeadObjectCommand, UploadPartCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { raise } from '../../shared/result';
import { phaseError } from './errors';
import { withRetry, type RetryOptions } from './retry';

/** The bucket key of a build context. */
export function contextKey(project: string, digest: string): string {
  return `uploads/${project}/${digest}.tar.gz`;
}

/** The `s3://` URL a build downloads its context from. */
export function contextUrl(bucket: string, project: string, digest: string): string {
  return `s3://${bucket}/${contextKey(project, digest)}`;
}

/** True when the object exists. */
export async function objectExists(s3: S3Client, bucket: string, key: string): Promise<boolean> {
  try {
    await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return true;
  } catch (error) {
    const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
    if (e.name === 'NotFound' || e.name === 'NoSuchKey' || e.$metadata?.httpStatusCode === 404) return false;
    throw error;
  }
}

/** An S3 client whose UploadPart calls are retried (lib-storage fails the whole upload on one failed part). */
export function retryingParts(s3: S3Client, retry: RetryOptions = {}): S3Client {
  return new Proxy(s3, {
    get(target, prop, receiver) {
      if (prop !== 'send') return Reflect.get(target, prop, receiver);
      return (command: unknown, ...rest: unknown[]) => {
        const send = () => (target.send as (c: unknown, ...r: unknown[]) => Promise<unknown>)(command, ...rest);
        return command instanceof UploadPartCommand ? withRetry(send, retry) : send();
      };
    },
  });
}

export interface UploadContextInput {
  bucket: string;
  project: string;
  digest: string;
  archivePath: string;
  archiveBytes: number;
  signal?: AbortSignal;
  onProgress?: (loaded: number, total: number) => void;
  /** Part size (default 8 MiB; S3's minimum is 5 MiB). */
  partSize?: number;
  retry?: RetryOptions;
}

export interface UploadResult {
  key: string;
  /** False when the bucket already held this digest. */
  uploaded: boolean;
}

/** Uploads one packaged context unless its digest is already in the bucket. */
export async function uploadContext(s3: S3Client, input: UploadContextInput): Promise<UploadResult> {
  const key = contextKey(input.project, input.digest);
  try {
    if (await withRetry(() => objectExists(s3, input.bucket, key), { ...input.retry, signal: input.signal })) {
      input.onProgress?.(input.archiveBytes, input.archiveBytes);
      return { key, uploaded: false };
    }
    input.signal?.throwIfAborted();
    const controller = new AbortController();
    const onAbort = () => controller.abort();
    input.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const upload = new Upload({
        client: retryingParts(s3, { ...input.retry, signal: controller.signal }),
        params: { Bucket: input.bucket, Key: key, Body: createReadStream(input.archivePath), ContentType: 'application/gzip', ContentLength: input.archiveBytes },
        partSize: input.partSize ?? 8 * 1024 * 1024,
        queueSize: 4,
        leavePartsOnError: false,
        abortController: controller,
      });
      upload.on('httpUploadProgress', (p) => input.onProgress?.(p.loaded ?? 0, p.total ?? input.archiveBytes));
      await upload.done();
    } finally {
      input.signal?.removeEventListener('abort', onAbort);
    }
    input.onProgress?.(input.archiveBytes, input.archiveBytes);
    return { key, uploaded: true };
  } catch (error) {
    if (input.signal?.aborted) raise('CANCELLED', 'The upload was cancelled.');
    throw phaseError(error, 'UPLOAD_FAILED', `Uploading the build context ${input.digest.slice(0, 12)} failed`);
  }
}
