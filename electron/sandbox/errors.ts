/** The one error type every sandbox service throws; each wire protocol turns it into AWS's own error shape. */

export class SandboxError extends Error {
  /** AWS's error code (`NoSuchKey`, `ParameterNotFound`, `ValidationError`...), the SDK's exception name. */
  readonly code: string;
  readonly status: number;
  /** Extra fields some error shapes carry (S3's `Key`/`BucketName`, query's `Type`). */
  readonly extra: Record<string, string>;
  constructor(code: string, message: string, status = 400, extra: Record<string, string> = {}) {
    super(message);
    this.name = code;
    this.code = code;
    this.status = status;
    this.extra = extra;
  }
}

/** Shorthand for `throw new SandboxError(...)`. */
export function fail(code: string, message: string, status = 400, extra: Record<string, string> = {}): never {
  throw new SandboxError(code, message, status, extra);
}
