/** SDK-shaped errors for mocked AWS calls (name, $metadata, $fault like the real exceptions). */

/** An AWS service exception as the SDK throws it. */
export function awsError(name: string, message = name, status = 400): Error {
  const error = new Error(message) as Error & { $metadata: { httpStatusCode: number; requestId: string }; $fault: 'client' | 'server' };
  error.name = name;
  error.$metadata = { httpStatusCode: status, requestId: 'req-1' };
  error.$fault = status >= 500 ? 'server' : 'client';
  return error;
}

/** A dropped connection, as Node reports it. */
export function connectionReset(): Error {
  const error = new Error('socket hang up') as Error & { code: string };
  error.name = 'Error';
  error.code = 'ECONNRESET';
  return error;
}
