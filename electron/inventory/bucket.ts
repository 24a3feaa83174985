/** Removing objects from the versioned bootstrap bucket: every version and delete marker, in batches. */
import { DeleteObjectsCommand, ListObjectsV2Command, ListObjectVersionsCommand, type S3Client } from '@aws-sdk/client-s3';
import { raise } from '../../shared/result';

function isNoSuchBucket(error: unknown): boolean {
  const name = (error as { name?: string }).name;
  return name === 'NoSuchBucket' || name === 'NotFound';
}

/**
 * Deletes every version and delete marker under `prefix` ('' empties the bucket). Returns how
 * many were deleted; a bucket that no longer exists counts as empty.
 */
export async function deleteAllVersions(s3: S3Client, bucket: string, prefix = ''): Promise<number> {
  let deleted = 0;
  try {
    // Versions are listed afresh after each batch: the listing shrinks as objects go.
    for (;;) {
      const out = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, ...(prefix ? { Prefix: prefix } : {}), MaxKeys: 1000 }));
      const objects = [...(out.Versions ?? []), ...(out.DeleteMarkers ?? [])]
        .filter((v) => v.Key !== undefined)
        .map((v) => ({ Key: v.Key!, ...(v.VersionId ? { VersionId: v.VersionId } : {}) }));
      if (objects.length === 0) return deleted;
      const result = await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects, Quiet: true } }));
      if (result.Errors?.length) {
        const first = result.Errors[0]!;
        raise('DELETE_FAILED', `Could not delete ${result.Errors.length} object(s) from ${bucket}, e.g. ${first.Key}: ${first.Code} ${first.Message ?? ''}`.trim(), { bucket });
      }
      deleted += objects.length;
    }
  } catch (error) {
    if (isNoSuchBucket(error)) return deleted;
    throw error;
  }
}

/** True when anything is stored under `prefix`. */
export async function hasObjects(s3: S3Client, bucket: string, prefix: string): Promise<boolean> {
  try {
    const out = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, MaxKeys: 1 }));
    return (out.KeyCount ?? out.Contents?.length ?? 0) > 0;
  } catch (error) {
    if (isNoSuchBucket(error)) return false;
    throw error;
  }
}
