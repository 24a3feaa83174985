/** Turns anything thrown inside a handler into an AppError a user can act on. */
import { ZodError } from 'zod';
import { AppErrorException, type AppError } from '../../shared/result';
import { isAwsError, mapAwsError } from '../aws/errors';

/** Formats zod issues as `field: message` lines, naming the field a caller got wrong. */
export function describeZodError(error: ZodError): string {
  return error.issues
    .map((issue) => {
      const where = issue.path.length > 0 ? issue.path.join('.') : 'argument';
      return `${where}: ${issue.message}`;
    })
    .join('; ');
}

/** Converts a thrown value to an AppError; never includes a stack trace. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppErrorException) return error.appError;
  if (error instanceof ZodError) return { code: 'INVALID_ARGUMENT', message: describeZodError(error) };
  if (isAwsError(error)) return mapAwsError(error);
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'INTERNAL', message: `Unexpected error: ${message}` };
}
