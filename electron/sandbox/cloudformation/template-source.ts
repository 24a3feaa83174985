/** Where a template comes from: inline `TemplateBody` (51,200 bytes at most) or `TemplateURL` in the sandbox's own S3. */
import { fail, SandboxError } from '../errors';
import type { SandboxCore } from '../core';
import { getObjectBody } from '../s3/buckets';

const MAX_INLINE = 51_200;
const MAX_URL = 1_000_000;

/** Splits an S3 URL (virtual-hosted, path-style or the sandbox endpoint) into bucket and key. */
export function parseS3Url(url: string): { bucket: string; key: string } | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  const host = u.hostname;
  const path = decodeURIComponent(u.pathname.replace(/^\//, ''));
  if (/^(s3[.-]|127\.0\.0\.1$|localhost$)/.test(host)) {
    const slash = path.indexOf('/');
    if (slash <= 0) return undefined;
    return { bucket: path.slice(0, slash), key: path.slice(slash + 1) };
  }
  const m = /^(.+?)\.s3[.-]/.exec(host);
  if (m && path) return { bucket: m[1]!, key: path };
  return undefined;
}

/** The template text for an operation; errors are CloudFormation's ValidationErrors. */
export function templateText(core: SandboxCore, body: string | undefined, url: string | undefined, previous?: string): string {
  if (body !== undefined && url !== undefined) fail('ValidationError', 'Specify exactly one of TemplateBody or TemplateUrl.');
  if (body !== undefined) {
    if (Buffer.byteLength(body) > MAX_INLINE) fail('ValidationError', `1 validation error detected: Value '${body.slice(0, 40)}...' at 'templateBody' failed to satisfy constraint: Member must have length less than or equal to ${MAX_INLINE}`);
    return body;
  }
  if (url !== undefined) {
    const location = parseS3Url(url);
    if (!location) fail('ValidationError', 'TemplateURL must be a supported URL.');
    let bytes: Buffer;
    try {
      bytes = getObjectBody(core, location.bucket, location.key);
    } catch (error) {
      if (error instanceof SandboxError) fail('ValidationError', `S3 error: ${error.message}`);
      throw error;
    }
    if (bytes.length > MAX_URL) fail('ValidationError', `Template may not exceed ${MAX_URL} bytes in size.`);
    return bytes.toString('utf8');
  }
  if (previous !== undefined) return previous;
  fail('ValidationError', 'Either Template URL or Template Body must be specified.');
}
