/** S3 over REST-XML, path-style (`http://127.0.0.1:<port>/<bucket>/<key>`): buckets, versions, policies, multipart uploads. */
import { createHash, randomBytes } from 'node:crypto';
import { fail, SandboxError } from '../errors';
import type { SandboxCore } from '../core';
import { header, type SandboxRequest, type SandboxResponse } from '../http';
import { document, escapeXml, parseXml, XmlList, type XmlValue } from '../protocol/xml';
import { SANDBOX_ACCOUNT } from '../identity';
import type { S3Bucket, S3ObjectVersion } from '../state';
import { decodeAwsChunked, isAwsChunked } from './chunked';
import { createBucket, currentVersion, deleteBucket, deleteKey, etagOf, noSuchBucket, requireBucket, storeVersion } from './buckets';

const NS = 'http://s3.amazonaws.com/doc/2006-03-01/';
const MIN_PART_SIZE = 5 * 1024 * 1024;
const OWNER = { ID: `berth-sandbox-${SANDBOX_ACCOUNT}`, DisplayName: 'berth-sandbox' };
const STORED_HEADERS = ['cache-control', 'content-disposition', 'content-encoding', 'content-language', 'expires'];

/** Sub-resources the sandbox stores and returns but does not act on, with the error for "none set". */
const STORED_CONFIGS: Record<string, { code: string; message: string }> = {
  encryption: { code: 'ServerSideEncryptionConfigurationNotFoundError', message: 'The server side encryption configuration was not found' },
  publicAccessBlock: { code: 'NoSuchPublicAccessBlockConfiguration', message: 'The public access block configuration was not found' },
  ownershipControls: { code: 'OwnershipControlsNotFoundError', message: 'The bucket ownership controls were not found' },
  lifecycle: { code: 'NoSuchLifecycleConfiguration', message: 'The lifecycle configuration does not exist' },
  cors: { code: 'NoSuchCORSConfiguration', message: 'The CORS configuration does not exist' },
  website: { code: 'NoSuchWebsiteConfiguration', message: 'The specified bucket does not have a website configuration' },
  logging: { code: '', message: '' },
  notification: { code: '', message: '' },
  accelerate: { code: '', message: '' },
  acl: { code: '', message: '' },
};

interface Target {
  bucket?: string;
  key?: string;
}

// Virtual-hosted style: `<bucket>.localhost:<port>` or `<bucket>.s3.<anything>` (path-style is the default).
function virtualHostBucket(req: SandboxRequest): string | undefined {
  const hostname = req.host.replace(/:\d+$/, '');
  if (hostname.startsWith('s3.') || hostname.startsWith('s3-')) return undefined;
  return /^(.+?)\.(?:localhost|s3[.-].+)$/.exec(hostname)?.[1];
}

function target(req: SandboxRequest): Target {
  const path = req.path.startsWith('/') ? req.path.slice(1) : req.path;
  const hosted = virtualHostBucket(req);
  if (hosted) return { bucket: hosted, key: path === '' ? undefined : path };
  if (path === '') return {};
  const slash = path.indexOf('/');
  if (slash < 0) return { bucket: path };
  const key = path.slice(slash + 1);
  return { bucket: path.slice(0, slash), key: key === '' ? undefined : key };
}

function has(req: SandboxRequest, name: string): boolean {
  return req.query.has(name);
}

// Sub-resource parameters, without the SDK's informational `x-id=<Operation>`.
function subresources(req: SandboxRequest): string[] {
  return [...req.query.keys()].filter((k) => k !== 'x-id');
}

/** The S3 operation a request is (for fault knobs and logs). */
export function s3OperationName(req: SandboxRequest): string {
  const { bucket, key } = target(req);
  const m = req.method;
  if (!bucket) return 'ListBuckets';
  if (key === undefined) {
    for (const sub of ['versioning', 'policy', 'tagging', 'location', ...Object.keys(STORED_CONFIGS)]) {
      if (has(req, sub)) {
        const name = sub === 'location' ? 'Location' : sub.charAt(0).toUpperCase() + sub.slice(1);
        return `${m === 'PUT' ? 'PutBucket' : m === 'DELETE' ? 'DeleteBucket' : 'GetBucket'}${name}`;
      }
    }
    if (m === 'GET') return has(req, 'versions') ? 'ListObjectVersions' : has(req, 'uploads') ? 'ListMultipartUploads' : req.query.get('list-type') === '2' ? 'ListObjectsV2' : 'ListObjects';
    if (m === 'POST' && has(req, 'delete')) return 'DeleteObjects';
    return m === 'PUT' ? 'CreateBucket' : m === 'DELETE' ? 'DeleteBucket' : m === 'HEAD' ? 'HeadBucket' : 'UnknownBucketOperation';
  }
  if (m === 'PUT') return has(req, 'uploadId') ? 'UploadPart' : header(req, 'x-amz-copy-source') ? 'CopyObject' : has(req, 'tagging') ? 'PutObjectTagging' : 'PutObject';
  if (m === 'GET') return has(req, 'uploadId') ? 'ListParts' : has(req, 'tagging') ? 'GetObjectTagging' : 'GetObject';
  if (m === 'HEAD') return 'HeadObject';
  if (m === 'DELETE') return has(req, 'uploadId') ? 'AbortMultipartUpload' : 'DeleteObject';
  if (m === 'POST') return has(req, 'uploads') ? 'CreateMultipartUpload' : has(req, 'uploadId') ? 'CompleteMultipartUpload' : 'UnknownObjectOperation';
  return 'UnknownOperation';
}

function xml(root: string, body: { [key: string]: XmlValue }, status = 200, headers: Record<string, string> = {}): SandboxResponse {
  return { status, headers: { 'content-type': 'application/xml', ...headers }, body: document(root, NS, body) };
}

function empty(status = 200, headers: Record<string, string> = {}): SandboxResponse {
  return { status, headers, body: '' };
}

/** Serialises an S3 error (`<Error><Code/><Message/>...`); HEAD answers carry no body. */
export function s3Error(error: SandboxError, requestId: string, method: string): SandboxResponse {
  const headers = { 'content-type': 'application/xml', 'x-amz-request-id': requestId, ...(error.code === 'NoSuchKey' && error.extra.DeleteMarker ? { 'x-amz-delete-marker': 'true' } : {}) };
  if (method === 'HEAD') return { status: error.status, headers, body: '' };
  const extra = { ...error.extra };
  delete extra.DeleteMarker;
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message>${Object.entries(extra)
    .map(([k, v]) => `<${k}>${escapeXml(v)}</${k}>`)
    .join('')}<RequestId>${requestId}</RequestId><HostId>berth-sandbox</HostId></Error>`;
  return { status: error.status, headers, body };
}

function payload(req: SandboxRequest): Buffer {
  if (isAwsChunked(header(req, 'x-amz-content-sha256'), header(req, 'content-encoding'))) return decodeAwsChunked(req.body).payload;
  return req.body;
}

function userMetadata(req: SandboxRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (name.startsWith('x-amz-meta-') && typeof value === 'string') out[name.slice('x-amz-meta-'.length)] = value;
  }
  return out;
}

function storedHeaders(req: SandboxRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of STORED_HEADERS) {
    let value = header(req, name);
    if (name === 'content-encoding' && value) {
      value = value
        .split(',')
        .map((v) => v.trim())
        .filter((v) => v !== 'aws-chunked')
        .join(',');
    }
    if (value) out[name] = value;
  }
  return out;
}

function versionHeaders(bucket: S3Bucket, version: S3ObjectVersion): Record<string, string> {
  return bucket.versioning === 'Unversioned' ? {} : { 'x-amz-version-id': version.versionId };
}

function objectHeaders(bucket: S3Bucket, v: S3ObjectVersion): Record<string, string> {
  const headers: Record<string, string> = {
    etag: v.etag,
    'last-modified': new Date(v.lastModified).toUTCString(),
    'content-type': v.contentType ?? 'binary/octet-stream',
    'accept-ranges': 'bytes',
    ...v.headers,
    ...versionHeaders(bucket, v),
  };
  for (const [k, value] of Object.entries(v.metadata)) headers[`x-amz-meta-${k}`] = value;
  return headers;
}

function findVersion(bucket: S3Bucket, key: string, versionId: string | null): S3ObjectVersion {
  const versions = bucket.objects.get(key);
  if (versionId !== null) {
    const v = versions?.find((x) => x.versionId === versionId);
    if (!v) fail('NoSuchVersion', 'The specified version does not exist.', 404, { Key: key, VersionId: versionId });
    if (v.deleteMarker) fail('MethodNotAllowed', 'The specified method is not allowed against this resource.', 405, { Method: 'GET', ResourceType: 'DeleteMarker' });
    return v;
  }
  const last = versions?.[versions.length - 1];
  if (!last) fail('NoSuchKey', 'The specified key does not exist.', 404, { Key: key });
  if (last.deleteMarker) fail('NoSuchKey', 'The specified key does not exist.', 404, { Key: key, DeleteMarker: 'true' });
  return last;
}

function checkPreconditions(req: SandboxRequest, v: S3ObjectVersion): SandboxResponse | undefined {
  const ifMatch = header(req, 'if-match');
  if (ifMatch && ifMatch !== '*' && ifMatch.replace(/"/g, '') !== v.etag.replace(/"/g, '')) fail('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', 412, { Condition: 'If-Match' });
  const ifNoneMatch = header(req, 'if-none-match');
  if (ifNoneMatch && (ifNoneMatch === '*' || ifNoneMatch.replace(/"/g, '') === v.etag.replace(/"/g, ''))) return empty(304, { etag: v.etag });
  return undefined;
}

function parseRange(range: string, size: number): [number, number] | undefined {
  const m = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
  if (!m) return undefined;
  let start: number;
  let end: number;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start >= size || start > end) fail('InvalidRange', 'The requested range is not satisfiable', 416, { RangeRequested: range, ActualObjectSize: String(size) });
  return [start, end];
}

function getObject(req: SandboxRequest, bucket: S3Bucket, key: string, head: boolean): SandboxResponse {
  const v = findVersion(bucket, key, req.query.get('versionId'));
  const notModified = checkPreconditions(req, v);
  if (notModified) return notModified;
  const headers = objectHeaders(bucket, v);
  const rangeHeader = header(req, 'range');
  const range = rangeHeader ? parseRange(rangeHeader, v.size) : undefined;
  if (range) {
    const [start, end] = range;
    headers['content-range'] = `bytes ${start}-${end}/${v.size}`;
    headers['content-length'] = String(end - start + 1);
    return { status: 206, headers, body: head ? '' : v.body.subarray(start, end + 1) };
  }
  headers['content-length'] = String(v.size);
  return { status: 200, headers, body: head ? '' : v.body };
}

function putObject(req: SandboxRequest, core: SandboxCore, bucket: S3Bucket, key: string): SandboxResponse {
  const ifNoneMatch = header(req, 'if-none-match');
  if (ifNoneMatch === '*' && currentVersion(bucket, key)) fail('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', 412, { Condition: 'If-None-Match' });
  // A conditional overwrite (compare and swap): only over the object with this ETag.
  const ifMatch = header(req, 'if-match');
  if (ifMatch) {
    const current = currentVersion(bucket, key);
    if (!current) fail('NoSuchKey', 'The specified key does not exist.', 404, { Key: key });
    if (ifMatch.replace(/"/g, '') !== current.etag.replace(/"/g, '')) fail('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', 412, { Condition: 'If-Match' });
  }
  const body = payload(req);
  const stored = storeVersion(core, bucket, key, {
    deleteMarker: false,
    body,
    etag: etagOf(body),
    size: body.length,
    lastModified: Date.now(),
    contentType: header(req, 'content-type'),
    headers: storedHeaders(req),
    metadata: userMetadata(req),
  });
  return empty(200, { etag: stored.etag, ...versionHeaders(bucket, stored) });
}

function copyObject(req: SandboxRequest, core: SandboxCore, bucket: S3Bucket, key: string): SandboxResponse {
  const raw = decodeURIComponent(header(req, 'x-amz-copy-source')!);
  const [pathPart, queryPart] = raw.split('?');
  const sourcePath = pathPart!.startsWith('/') ? pathPart!.slice(1) : pathPart!;
  const slash = sourcePath.indexOf('/');
  const sourceBucket = requireBucket(core, sourcePath.slice(0, slash));
  const sourceVersionId = new URLSearchParams(queryPart ?? '').get('versionId');
  const source = findVersion(sourceBucket, sourcePath.slice(slash + 1), sourceVersionId);
  const replace = header(req, 'x-amz-metadata-directive') === 'REPLACE';
  const stored = storeVersion(core, bucket, key, {
    deleteMarker: false,
    body: source.body,
    etag: source.etag,
    size: source.size,
    lastModified: Date.now(),
    contentType: replace ? header(req, 'content-type') : source.contentType,
    headers: replace ? storedHeaders(req) : { ...source.headers },
    metadata: replace ? userMetadata(req) : { ...source.metadata },
  });
  return xml('CopyObjectResult', { ETag: stored.etag, LastModified: new Date(stored.lastModified) }, 200, {
    ...versionHeaders(bucket, stored),
    ...(sourceVersionId ? { 'x-amz-copy-source-version-id': sourceVersionId } : {}),
  });
}

function encodeKey(req: SandboxRequest, key: string): string {
  return req.query.get('encoding-type') === 'url' ? encodeURIComponent(key).replace(/%2F/g, '/') : key;
}

interface Listing {
  contents: { key: string; v: S3ObjectVersion }[];
  prefixes: string[];
  truncated: boolean;
  lastKey?: string;
}

// Walks current objects in key order, folding keys under the delimiter into common prefixes.
function listCurrent(bucket: S3Bucket, prefix: string, delimiter: string, after: string, max: number): Listing {
  const keys = [...bucket.objects.keys()].filter((k) => k.startsWith(prefix) && k > after).sort();
  const out: Listing = { contents: [], prefixes: [], truncated: false };
  for (const key of keys) {
    const v = currentVersion(bucket, key);
    if (!v) continue;
    let common: string | undefined;
    if (delimiter) {
      const idx = key.indexOf(delimiter, prefix.length);
      if (idx >= 0) common = key.slice(0, idx + delimiter.length);
    }
    if (common !== undefined && out.prefixes[out.prefixes.length - 1] === common) continue;
    if (out.contents.length + out.prefixes.length >= max) {
      out.truncated = true;
      break;
    }
    if (common !== undefined) {
      out.prefixes.push(common);
      out.lastKey = `${common}\uffff`;
    } else {
      out.contents.push({ key, v });
      out.lastKey = key;
    }
  }
  return out;
}

function maxKeys(req: SandboxRequest, name = 'max-keys'): number {
  const raw = req.query.get(name);
  if (raw === null) return 1000;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) fail('InvalidArgument', `Provided ${name} not an integer or within integer range`, 400);
  return Math.min(n, 1000);
}

function contentEntry(req: SandboxRequest, key: string, v: S3ObjectVersion): { [key: string]: XmlValue } {
  return { Key: encodeKey(req, key), LastModified: new Date(v.lastModified), ETag: v.etag, Size: v.size, StorageClass: 'STANDARD' };
}

function listObjects(req: SandboxRequest, bucket: S3Bucket, v2: boolean): SandboxResponse {
  const prefix = req.query.get('prefix') ?? '';
  const delimiter = req.query.get('delimiter') ?? '';
  const max = maxKeys(req);
  let after = '';
  const token = req.query.get('continuation-token');
  if (v2) {
    if (token) {
      try {
        after = Buffer.from(token, 'base64url').toString('utf8');
      } catch {
        fail('InvalidArgument', 'The continuation token provided is incorrect', 400);
      }
    } else after = req.query.get('start-after') ?? '';
  } else after = req.query.get('marker') ?? '';
  const listing = listCurrent(bucket, prefix, delimiter, after, max);
  const common = {
    Name: bucket.name,
    Prefix: encodeKey(req, prefix),
    ...(delimiter ? { Delimiter: encodeKey(req, delimiter) } : {}),
    MaxKeys: max,
    ...(req.query.get('encoding-type') ? { EncodingType: req.query.get('encoding-type')! } : {}),
    IsTruncated: listing.truncated,
    Contents: new XmlList(
      listing.contents.map((c) => contentEntry(req, c.key, c.v)),
      'Contents',
      true,
    ),
    CommonPrefixes: new XmlList(
      listing.prefixes.map((p) => ({ Prefix: encodeKey(req, p) })),
      'CommonPrefixes',
      true,
    ),
  };
  if (v2) {
    return xml('ListBucketResult', {
      ...common,
      KeyCount: listing.contents.length + listing.prefixes.length,
      ...(token ? { ContinuationToken: token } : {}),
      ...(req.query.get('start-after') ? { StartAfter: req.query.get('start-after')! } : {}),
      ...(listing.truncated && listing.lastKey ? { NextContinuationToken: Buffer.from(listing.lastKey).toString('base64url') } : {}),
    });
  }
  return xml('ListBucketResult', {
    ...common,
    Marker: after,
    ...(listing.truncated && delimiter && listing.lastKey ? { NextMarker: listing.lastKey } : {}),
  });
}

function listVersions(req: SandboxRequest, bucket: S3Bucket): SandboxResponse {
  const prefix = req.query.get('prefix') ?? '';
  const keyMarker = req.query.get('key-marker') ?? '';
  const versionMarker = req.query.get('version-id-marker') ?? '';
  const max = maxKeys(req);
  const entries: { key: string; v: S3ObjectVersion; latest: boolean }[] = [];
  for (const key of [...bucket.objects.keys()].filter((k) => k.startsWith(prefix)).sort()) {
    const versions = bucket.objects.get(key)!;
    for (let i = versions.length - 1; i >= 0; i--) entries.push({ key, v: versions[i]!, latest: i === versions.length - 1 });
  }
  let start = 0;
  if (keyMarker) {
    if (versionMarker) {
      const at = entries.findIndex((e) => e.key === keyMarker && e.v.versionId === versionMarker);
      start = at >= 0 ? at + 1 : entries.findIndex((e) => e.key > keyMarker);
    } else start = entries.findIndex((e) => e.key > keyMarker);
    if (start < 0) start = entries.length;
  }
  const pageEntries = entries.slice(start, start + max);
  const truncated = start + max < entries.length;
  const last = pageEntries[pageEntries.length - 1];
  let body = '';
  for (const e of pageEntries) {
    const item: { [key: string]: XmlValue } = e.v.deleteMarker
      ? { Key: encodeKey(req, e.key), VersionId: e.v.versionId, IsLatest: e.latest, LastModified: new Date(e.v.lastModified), Owner: OWNER }
      : { Key: encodeKey(req, e.key), VersionId: e.v.versionId, IsLatest: e.latest, LastModified: new Date(e.v.lastModified), ETag: e.v.etag, Size: e.v.size, StorageClass: 'STANDARD', Owner: OWNER };
    body += document(e.v.deleteMarker ? 'DeleteMarker' : 'Version', undefined, item).replace(/^<\?xml[^>]*>\n/, '');
  }
  const head = {
    Name: bucket.name,
    Prefix: prefix,
    KeyMarker: keyMarker,
    VersionIdMarker: versionMarker,
    MaxKeys: max,
    IsTruncated: truncated,
    ...(truncated && last ? { NextKeyMarker: last.key, NextVersionIdMarker: last.v.versionId } : {}),
  };
  // Versions and delete markers interleave in key order, so they are written by hand after the header fields.
  const doc = document('ListVersionsResult', NS, head).replace('</ListVersionsResult>', `${body}</ListVersionsResult>`);
  return { status: 200, headers: { 'content-type': 'application/xml' }, body: doc };
}

function deleteObjects(req: SandboxRequest, core: SandboxCore, bucket: S3Bucket): SandboxResponse {
  const parsed = parseXml(payload(req).toString('utf8')) as { Delete?: { Object?: { Key?: string; VersionId?: string }[]; Quiet?: string } };
  const objects = parsed.Delete?.Object ?? [];
  if (objects.length > 1000) fail('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema', 400);
  const quiet = parsed.Delete?.Quiet === 'true';
  const deleted: { [key: string]: XmlValue }[] = [];
  const errors: { [key: string]: XmlValue }[] = [];
  for (const o of objects) {
    const key = o.Key ?? '';
    try {
      const result = deleteKey(core, bucket, key, o.VersionId);
      if (!quiet) {
        deleted.push({
          Key: key,
          ...(o.VersionId ? { VersionId: o.VersionId } : {}),
          ...(result.deleteMarker ? { DeleteMarker: true } : {}),
          ...(result.deleteMarker && !o.VersionId && result.versionId ? { DeleteMarkerVersionId: result.versionId } : {}),
        });
      }
    } catch (error) {
      if (!(error instanceof SandboxError)) throw error;
      errors.push({ Key: key, ...(o.VersionId ? { VersionId: o.VersionId } : {}), Code: error.code, Message: error.message });
    }
  }
  return xml('DeleteResult', { Deleted: new XmlList(deleted, 'Deleted', true), Error: new XmlList(errors, 'Error', true) });
}

function bucketSubresource(req: SandboxRequest, core: SandboxCore, bucket: S3Bucket): SandboxResponse | undefined {
  const m = req.method;
  if (has(req, 'versioning')) {
    if (m === 'PUT') {
      const parsed = parseXml(payload(req).toString('utf8')) as { VersioningConfiguration?: { Status?: string } };
      const status = parsed.VersioningConfiguration?.Status;
      if (status !== 'Enabled' && status !== 'Suspended') fail('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema', 400);
      bucket.versioning = status;
      core.changed();
      return empty();
    }
    return xml('VersioningConfiguration', bucket.versioning === 'Unversioned' ? {} : { Status: bucket.versioning });
  }
  if (has(req, 'policy')) {
    if (m === 'PUT') {
      const text = payload(req).toString('utf8');
      try {
        const doc = JSON.parse(text) as unknown;
        if (typeof doc !== 'object' || doc === null) throw new Error('not an object');
      } catch {
        fail('MalformedPolicy', "Policies must be valid JSON and the first byte must be '{'", 400);
      }
      bucket.policy = text;
      core.changed();
      return empty(204);
    }
    if (m === 'DELETE') {
      delete bucket.policy;
      core.changed();
      return empty(204);
    }
    if (!bucket.policy) fail('NoSuchBucketPolicy', 'The bucket policy does not exist', 404, { BucketName: bucket.name });
    return { status: 200, headers: { 'content-type': 'application/json' }, body: bucket.policy };
  }
  if (has(req, 'tagging')) {
    if (m === 'PUT') {
      const parsed = parseXml(payload(req).toString('utf8')) as { Tagging?: { TagSet?: { Tag?: { Key?: string; Value?: string }[] } } };
      bucket.tags = Object.fromEntries((parsed.Tagging?.TagSet?.Tag ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
      core.changed();
      return empty(204);
    }
    if (m === 'DELETE') {
      bucket.tags = {};
      core.changed();
      return empty(204);
    }
    if (Object.keys(bucket.tags).length === 0) fail('NoSuchTagSet', 'The TagSet does not exist', 404, { BucketName: bucket.name });
    return xml('Tagging', { TagSet: new XmlList(Object.entries(bucket.tags).map(([Key, Value]) => ({ Key, Value })), 'Tag') });
  }
  if (has(req, 'location') && m === 'GET') {
    const region = bucket.region === 'us-east-1' ? '' : bucket.region;
    return { status: 200, headers: { 'content-type': 'application/xml' }, body: `<?xml version="1.0" encoding="UTF-8"?>\n<LocationConstraint xmlns="${NS}">${region}</LocationConstraint>` };
  }
  for (const [name, missing] of Object.entries(STORED_CONFIGS)) {
    if (!has(req, name)) continue;
    if (m === 'PUT') {
      bucket.configs.set(name, payload(req).toString('utf8'));
      core.changed();
      return empty(200);
    }
    if (m === 'DELETE') {
      bucket.configs.delete(name);
      core.changed();
      return empty(204);
    }
    const stored = bucket.configs.get(name);
    if (stored === undefined) {
      if (missing.code) fail(missing.code, missing.message, 404, { BucketName: bucket.name });
      return { status: 200, headers: { 'content-type': 'application/xml' }, body: `<?xml version="1.0" encoding="UTF-8"?>\n<${name === 'acl' ? 'AccessControlPolicy' : 'Configuration'} xmlns="${NS}"/>` };
    }
    return { status: 200, headers: { 'content-type': 'application/xml' }, body: stored };
  }
  return undefined;
}

// ---- multipart ----

function requireUpload(bucket: S3Bucket, uploadId: string, key: string) {
  const upload = bucket.uploads.get(uploadId);
  if (!upload || upload.key !== key) fail('NoSuchUpload', 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.', 404, { UploadId: uploadId });
  return upload;
}

function createUpload(req: SandboxRequest, core: SandboxCore, bucket: S3Bucket, key: string): SandboxResponse {
  const uploadId = randomBytes(30).toString('base64url');
  bucket.uploads.set(uploadId, { uploadId, key, initiated: Date.now(), contentType: header(req, 'content-type'), headers: storedHeaders(req), metadata: userMetadata(req), parts: new Map() });
  core.changed();
  return xml('InitiateMultipartUploadResult', { Bucket: bucket.name, Key: key, UploadId: uploadId });
}

function uploadPart(req: SandboxRequest, core: SandboxCore, bucket: S3Bucket, key: string): SandboxResponse {
  const upload = requireUpload(bucket, req.query.get('uploadId')!, key);
  const partNumber = Number(req.query.get('partNumber'));
  if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > 10000) fail('InvalidArgument', 'Part number must be an integer between 1 and 10000, inclusive', 400);
  const body = payload(req);
  const etag = etagOf(body);
  upload.parts.set(partNumber, { etag, body, lastModified: Date.now() });
  core.changed();
  return empty(200, { etag });
}

function completeUpload(req: SandboxRequest, core: SandboxCore, bucket: S3Bucket, key: string): SandboxResponse {
  const upload = requireUpload(bucket, req.query.get('uploadId')!, key);
  const parsed = parseXml(payload(req).toString('utf8')) as { CompleteMultipartUpload?: { Part?: { PartNumber?: string; ETag?: string }[] } };
  const parts = parsed.CompleteMultipartUpload?.Part ?? [];
  if (parts.length === 0) fail('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema', 400);
  const bodies: Buffer[] = [];
  const md5s: Buffer[] = [];
  let previous = 0;
  parts.forEach((p, index) => {
    const n = Number(p.PartNumber);
    if (n <= previous) fail('InvalidPartOrder', 'The list of parts was not in ascending order. The parts list must be specified in order by part number.', 400);
    previous = n;
    const stored = upload.parts.get(n);
    if (!stored || (p.ETag && p.ETag.replace(/"/g, '') !== stored.etag.replace(/"/g, ''))) {
      fail('InvalidPart', "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.", 400, { PartNumber: String(n) });
    }
    if (index < parts.length - 1 && stored.body.length < MIN_PART_SIZE) fail('EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed object size.', 400, { ProposedSize: String(stored.body.length), MinSizeAllowed: String(MIN_PART_SIZE) });
    bodies.push(stored.body);
    md5s.push(Buffer.from(stored.etag.replace(/"/g, ''), 'hex'));
  });
  const body = Buffer.concat(bodies);
  const etag = `"${createHash('md5').update(Buffer.concat(md5s)).digest('hex')}-${parts.length}"`;
  bucket.uploads.delete(upload.uploadId);
  const stored = storeVersion(core, bucket, key, {
    deleteMarker: false,
    body,
    etag,
    size: body.length,
    lastModified: Date.now(),
    contentType: upload.contentType,
    headers: upload.headers,
    metadata: upload.metadata,
  });
  return xml('CompleteMultipartUploadResult', { Location: `/${bucket.name}/${key}`, Bucket: bucket.name, Key: key, ETag: etag }, 200, versionHeaders(bucket, stored));
}

function listParts(req: SandboxRequest, bucket: S3Bucket, key: string): SandboxResponse {
  const upload = requireUpload(bucket, req.query.get('uploadId')!, key);
  const marker = Number(req.query.get('part-number-marker') ?? '0');
  const max = maxKeys(req, 'max-parts');
  const numbers = [...upload.parts.keys()].filter((n) => n > marker).sort((a, b) => a - b);
  const pageNumbers = numbers.slice(0, max);
  const truncated = numbers.length > max;
  return xml('ListPartsResult', {
    Bucket: bucket.name,
    Key: key,
    UploadId: upload.uploadId,
    PartNumberMarker: marker,
    ...(truncated ? { NextPartNumberMarker: pageNumbers[pageNumbers.length - 1] } : {}),
    MaxParts: max,
    IsTruncated: truncated,
    Part: new XmlList(
      pageNumbers.map((n) => {
        const p = upload.parts.get(n)!;
        return { PartNumber: n, LastModified: new Date(p.lastModified), ETag: p.etag, Size: p.body.length };
      }),
      'Part',
      true,
    ),
  });
}

function listUploads(req: SandboxRequest, bucket: S3Bucket): SandboxResponse {
  const prefix = req.query.get('prefix') ?? '';
  const uploads = [...bucket.uploads.values()].filter((u) => u.key.startsWith(prefix)).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.initiated - b.initiated));
  return xml('ListMultipartUploadsResult', {
    Bucket: bucket.name,
    KeyMarker: '',
    UploadIdMarker: '',
    Prefix: prefix,
    MaxUploads: 1000,
    IsTruncated: false,
    Upload: new XmlList(
      uploads.map((u) => ({ Key: u.key, UploadId: u.uploadId, Initiator: OWNER, Owner: OWNER, StorageClass: 'STANDARD', Initiated: new Date(u.initiated) })),
      'Upload',
      true,
    ),
  });
}

/** Handles one S3 request. */
export async function handleS3(req: SandboxRequest, core: SandboxCore): Promise<SandboxResponse> {
  const { bucket: bucketName, key } = target(req);
  const m = req.method;
  if (!bucketName) {
    if (m !== 'GET') fail('MethodNotAllowed', 'The specified method is not allowed against this resource.', 405);
    const buckets = [...core.state.s3.buckets.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
    return xml('ListAllMyBucketsResult', {
      Owner: OWNER,
      Buckets: new XmlList(
        buckets.map((b) => ({ Name: b.name, CreationDate: new Date(b.createdAt), BucketRegion: b.region })),
        'Bucket',
      ),
    });
  }
  if (key === undefined) {
    if (m === 'PUT' && subresources(req).length === 0) {
      const parsed = parseXml(payload(req).toString('utf8')) as { CreateBucketConfiguration?: { LocationConstraint?: string } };
      const region = parsed.CreateBucketConfiguration?.LocationConstraint || req.region || core.region;
      createBucket(core, bucketName, region);
      return empty(200, { location: `/${bucketName}` });
    }
    if (m === 'DELETE' && subresources(req).length === 0) {
      deleteBucket(core, bucketName);
      return empty(204);
    }
    const bucket = requireBucket(core, bucketName);
    if (m === 'HEAD') return empty(200, { 'x-amz-bucket-region': bucket.region });
    const sub = bucketSubresource(req, core, bucket);
    if (sub) return sub;
    if (m === 'POST' && has(req, 'delete')) return deleteObjects(req, core, bucket);
    if (m === 'GET') {
      if (has(req, 'versions')) return listVersions(req, bucket);
      if (has(req, 'uploads')) return listUploads(req, bucket);
      return listObjects(req, bucket, req.query.get('list-type') === '2');
    }
    fail('MethodNotAllowed', 'The specified method is not allowed against this resource.', 405);
  }
  const bucket = core.state.s3.buckets.get(bucketName);
  if (!bucket) noSuchBucket(bucketName);
  switch (m) {
    case 'GET':
      if (has(req, 'uploadId')) return listParts(req, bucket, key);
      if (has(req, 'tagging')) {
        findVersion(bucket, key, req.query.get('versionId'));
        return xml('Tagging', { TagSet: new XmlList([], 'Tag') });
      }
      return getObject(req, bucket, key, false);
    case 'HEAD':
      return getObject(req, bucket, key, true);
    case 'PUT':
      if (has(req, 'uploadId')) return uploadPart(req, core, bucket, key);
      if (has(req, 'tagging')) return empty(200);
      if (header(req, 'x-amz-copy-source')) return copyObject(req, core, bucket, key);
      return putObject(req, core, bucket, key);
    case 'DELETE': {
      if (has(req, 'uploadId')) {
        requireUpload(bucket, req.query.get('uploadId')!, key);
        bucket.uploads.delete(req.query.get('uploadId')!);
        core.changed();
        return empty(204);
      }
      const result = deleteKey(core, bucket, key, req.query.get('versionId') ?? undefined);
      return empty(204, {
        ...(result.deleteMarker ? { 'x-amz-delete-marker': 'true' } : {}),
        ...(result.versionId ? { 'x-amz-version-id': result.versionId } : {}),
      });
    }
    case 'POST':
      if (has(req, 'uploads')) return createUpload(req, core, bucket, key);
      if (has(req, 'uploadId')) return completeUpload(req, core, bucket, key);
      break;
  }
  fail('MethodNotAllowed', 'The specified method is not allowed against this resource.', 405);
}

