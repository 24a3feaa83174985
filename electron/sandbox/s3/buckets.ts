/** S3 buckets and objects as functions on the sandbox state; the REST handlers and CloudFormation both call these. */
import { createHash, randomBytes } from 'node:crypto';
import { fail } from '../errors';
import type { SandboxCore } from '../core';
import type { S3Bucket, S3ObjectVersion } from '../state';

const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** The error S3 answers for a missing bucket. */
export function noSuchBucket(name: string): never {
  fail('NoSuchBucket', 'The specified bucket does not exist', 404, { BucketName: name });
}

/** The bucket, or NoSuchBucket. */
export function requireBucket(core: SandboxCore, name: string): S3Bucket {
  const bucket = core.state.s3.buckets.get(name);
  if (!bucket) noSuchBucket(name);
  return bucket;
}

/** Creates a bucket (S3's naming rules; owning it already is BucketAlreadyOwnedByYou). */
export function createBucket(core: SandboxCore, name: string, region = core.region): S3Bucket {
  if (!BUCKET_NAME.test(name) || name.includes('..') || /^\d+\.\d+\.\d+\.\d+$/.test(name)) {
    fail('InvalidBucketName', 'The specified bucket is not valid.', 400, { BucketName: name });
  }
  if (core.state.s3.buckets.has(name)) {
    fail('BucketAlreadyOwnedByYou', 'Your previous request to create the named bucket succeeded and you already own it.', 409, { BucketName: name });
  }
  const bucket: S3Bucket = {
    name,
    region,
    createdAt: Date.now(),
    versioning: 'Unversioned',
    tags: {},
    configs: new Map(),
    objects: new Map(),
    uploads: new Map(),
  };
  core.state.s3.buckets.set(name, bucket);
  core.changed();
  return bucket;
}

/** True when the bucket holds any object version, delete marker or unfinished upload's object. */
export function bucketHasContent(bucket: S3Bucket): boolean {
  for (const versions of bucket.objects.values()) if (versions.length > 0) return true;
  return false;
}

/** Deletes an empty bucket; a bucket with any version left fails as S3 does. */
export function deleteBucket(core: SandboxCore, name: string): void {
  const bucket = requireBucket(core, name);
  if (bucketHasContent(bucket)) fail('BucketNotEmpty', 'The bucket you tried to delete is not empty', 409, { BucketName: name });
  core.state.s3.buckets.delete(name);
  core.changed();
}

/** A new version id (S3's are 32 URL-safe characters). */
export function newVersionId(): string {
  return randomBytes(24).toString('base64url').slice(0, 32);
}

/** The quoted MD5 ETag of a single-part object. */
export function etagOf(body: Buffer): string {
  return `"${createHash('md5').update(body).digest('hex')}"`;
}

/** The current version of a key (undefined when absent or a delete marker). */
export function currentVersion(bucket: S3Bucket, key: string): S3ObjectVersion | undefined {
  const versions = bucket.objects.get(key);
  const last = versions?.[versions.length - 1];
  return last && !last.deleteMarker ? last : undefined;
}

/** Stores a new object version, replacing the `null` version when versioning is off or suspended. */
export function storeVersion(core: SandboxCore, bucket: S3Bucket, key: string, version: Omit<S3ObjectVersion, 'versionId'>): S3ObjectVersion {
  const versions = bucket.objects.get(key) ?? [];
  const versionId = bucket.versioning === 'Enabled' ? newVersionId() : 'null';
  const stored: S3ObjectVersion = { ...version, versionId };
  const kept = versionId === 'null' ? versions.filter((v) => v.versionId !== 'null') : versions;
  kept.push(stored);
  bucket.objects.set(key, kept);
  core.changed();
  return stored;
}

/** Puts an object (used by CloudFormation and the build simulation as well as the API). */
export function putObject(core: SandboxCore, bucketName: string, key: string, body: Buffer, contentType?: string): S3ObjectVersion {
  const bucket = requireBucket(core, bucketName);
  return storeVersion(core, bucket, key, {
    deleteMarker: false,
    body,
    etag: etagOf(body),
    size: body.length,
    lastModified: Date.now(),
    contentType,
    headers: {},
    metadata: {},
  });
}

/** Reads an object's bytes, or a NoSuchBucket/NoSuchKey error. */
export function getObjectBody(core: SandboxCore, bucketName: string, key: string): Buffer {
  const bucket = requireBucket(core, bucketName);
  const version = currentVersion(bucket, key);
  if (!version) fail('NoSuchKey', 'The specified key does not exist.', 404, { Key: key });
  return version.body;
}

/** Deletes a key as S3 does: a delete marker when versioned, removal otherwise. Returns what happened. */
export function deleteKey(core: SandboxCore, bucket: S3Bucket, key: string, versionId?: string): { versionId?: string; deleteMarker: boolean } {
  const versions = bucket.objects.get(key) ?? [];
  if (versionId !== undefined) {
    const index = versions.findIndex((v) => v.versionId === versionId);
    if (index < 0) {
      // Deleting a version that does not exist succeeds silently in S3, unless the id is malformed.
      if (versionId !== 'null' && !/^[A-Za-z0-9._-]{1,1024}$/.test(versionId)) fail('InvalidArgument', 'Invalid version id specified', 400);
      return { versionId, deleteMarker: false };
    }
    const [removed] = versions.splice(index, 1);
    if (versions.length === 0) bucket.objects.delete(key);
    core.changed();
    return { versionId, deleteMarker: removed!.deleteMarker };
  }
  if (bucket.versioning === 'Unversioned') {
    bucket.objects.delete(key);
    core.changed();
    return { deleteMarker: false };
  }
  const marker = storeVersion(core, bucket, key, { deleteMarker: true, body: Buffer.alloc(0), etag: '', size: 0, lastModified: Date.now(), headers: {}, metadata: {} });
  return { versionId: marker.versionId, deleteMarker: true };
}
