/**
 * Decodes `aws-chunked` request bodies: the SDK streams uploads as `<hex size>[;chunk-signature=..]\r\n<data>\r\n`
 * chunks ending with a zero chunk and optional trailers (`x-amz-checksum-crc32:...`).
 */
import { fail } from '../errors';

/** True when the body uses aws-chunked framing. */
export function isAwsChunked(contentSha256: string | undefined, contentEncoding: string | undefined): boolean {
  return (contentSha256?.startsWith('STREAMING-') ?? false) || (contentEncoding?.split(',').some((e) => e.trim() === 'aws-chunked') ?? false);
}

/** Returns the payload bytes and any trailing headers. */
export function decodeAwsChunked(body: Buffer): { payload: Buffer; trailers: Record<string, string> } {
  const chunks: Buffer[] = [];
  const trailers: Record<string, string> = {};
  let pos = 0;
  for (;;) {
    const lineEnd = body.indexOf('\r\n', pos);
    if (lineEnd < 0) fail('IncompleteBody', 'The request body terminated unexpectedly');
    const line = body.subarray(pos, lineEnd).toString('latin1');
    const size = parseInt(line.split(';')[0]!.trim(), 16);
    if (!Number.isFinite(size) || size < 0) fail('InvalidRequest', 'Malformed aws-chunked body');
    pos = lineEnd + 2;
    if (size === 0) break;
    if (pos + size > body.length) fail('IncompleteBody', 'The request body terminated unexpectedly');
    chunks.push(body.subarray(pos, pos + size));
    pos += size + 2;
  }
  // Trailers: `name:value\r\n` lines until an empty line or the end.
  const rest = body.subarray(pos).toString('latin1');
  for (const line of rest.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) trailers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { payload: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks), trailers };
}
