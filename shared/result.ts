/**
 * The envelope every contract method returns, and the stable error codes.
 * Errors never cross IPC or HTTP as thrown exceptions: Electron keeps only `message`,
 * so handlers return `Result<T>` and the renderer adapter turns errors back into `AppError`.
 */

/** Stable error codes: the UI and the CLI branch on these, never on message text. */
export const ERROR_CODES = [
  // Calls and arguments
  'INVALID_ARGUMENT',
  'UNTRUSTED_SENDER',
  'UNKNOWN_METHOD',
  'NOT_FOUND',
  'CANCELLED',
  'INTERNAL',
  // Projects and compose files
  'NO_COMPOSE_FILE',
  'PROJECT_NOT_FOUND',
  'COMPOSE_INVALID',
  // Plans and templates
  'PLAN_INVALID',
  'PREFLIGHT_FAILED',
  'LIMIT_EXCEEDED',
  'MODEL_UNAVAILABLE',
  // Connection and credentials
  'NOT_CONNECTED',
  'CREDENTIALS_MISSING',
  'CREDENTIALS_EXPIRED',
  'SSO_LOGIN_REQUIRED',
  'PROFILE_NOT_FOUND',
  'CONNECTION_MISMATCH',
  // AWS errors, mapped
  'ACCESS_DENIED',
  'THROTTLED',
  'NETWORK',
  'REGION_NOT_ENABLED',
  'AWS_ERROR',
  /** An answer the SDK could not parse (an HTML error page, a malformed date): names the service, operation and HTTP status. */
  'UNREADABLE_RESPONSE',
  // Secrets
  'CONFIG_MISSING',
  'INVALID_CONFIG_NAME',
  // Bootstrap, stacks and deploys
  'BOOTSTRAP_NEWER',
  'BOOTSTRAP_FAILED',
  'STACK_BUSY',
  'STACK_FAILED',
  'DEPLOY_IN_PROGRESS',
  'PACKAGE_TOO_LARGE',
  'PACKAGE_FAILED',
  'UPLOAD_FAILED',
  'BUILD_FAILED',
  'ROLLOUT_FAILED',
  'ONE_OFF_FAILED',
  'STORE_MOVE_FAILED',
  /** A rollback whose target cannot run again (an image gone, a config value deleted) or does not exist. */
  'ROLLBACK_BLOCKED',
  // Inventory and teardown
  'TEARDOWN_BLOCKED',
  'DELETE_FAILED',
  // Sandbox
  'SANDBOX_UNAVAILABLE',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** A failure a user can act on: a stable code, a message in plain words, optional data. */
export interface AppError {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: AppError };

/** Wraps a value as a successful result. */
export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

/** Wraps an error as a failed result. */
export function fail<T = never>(code: ErrorCode, message: string, details?: Record<string, unknown>): Result<T> {
  return { ok: false, error: details ? { code, message, details } : { code, message } };
}

/**
 * An exception that carries an AppError. Engine code throws it; the handler layer catches it
 * and returns the AppError, so the code and details survive the trip to the renderer.
 */
export class AppErrorException extends Error {
  readonly appError: AppError;
  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'AppErrorException';
    this.appError = details ? { code, message, details } : { code, message };
  }
  get code(): ErrorCode {
    return this.appError.code;
  }
}

/** Shorthand for `throw new AppErrorException(...)` that reads well in expressions. */
export function raise(code: ErrorCode, message: string, details?: Record<string, unknown>): never {
  throw new AppErrorException(code, message, details);
}

/** True when `value` looks like an AppError envelope (used on data arriving over a bridge). */
export function isAppError(value: unknown): value is AppError {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.code === 'string' && (ERROR_CODES as readonly string[]).includes(v.code) && typeof v.message === 'string';
}
