/** Turning whatever a phase threw into an AppError a user can act on. */
import { AppErrorException, type AppError, type ErrorCode } from '../../shared/result';
import { isAwsError, mapAwsError } from '../aws/errors';

/** The AppError for an exception: engine errors keep their code, SDK errors are mapped, anything else is INTERNAL. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppErrorException) return error.appError;
  if (isAwsError(error)) return mapAwsError(error);
  const e = error as { name?: string; message?: string; code?: string };
  if (e?.name === 'AbortError') return { code: 'CANCELLED', message: 'The deployment was cancelled.' };
  return { code: 'INTERNAL', message: e?.message ?? String(error) };
}

/**
 * Re-raises an exception under a phase's code (UPLOAD_FAILED, BUILD_FAILED...) unless it
 * already says something more precise (throttled, access denied, cancelled, network...).
 */
export function phaseError(error: unknown, code: ErrorCode, prefix: string): AppErrorException {
  const appError = toAppError(error);
  if (appError.code !== 'INTERNAL' && appError.code !== 'AWS_ERROR') {
    return new AppErrorException(appError.code, `${prefix}: ${appError.message}`, appError.details);
  }
  return new AppErrorException(code, `${prefix}: ${appError.message}`, appError.details);
}
