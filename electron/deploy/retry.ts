/** Retrying calls that failed for a passing reason (network, throttling, a 5xx), with backoff. */
import { isAwsError } from '../aws/errors';

const THROTTLING = /Throttl|TooManyRequests|SlowDown|RequestLimitExceeded/;
const NETWORK = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'ENOTFOUND', 'TimeoutError', 'RequestTimeout', 'RequestTimeoutException', 'socket hang up']);

/** True when trying again may succeed. */
export function isRetryable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const e = error as Error & { code?: string; $fault?: string; $metadata?: { httpStatusCode?: number }; $retryable?: unknown };
  if (e.name === 'AbortError') return false;
  if (NETWORK.has(e.code ?? '') || NETWORK.has(e.name) || /socket hang up|ECONNRESET|network/i.test(e.message)) return true;
  if (THROTTLING.test(e.name)) return true;
  if (isAwsError(error) && (e.$fault === 'server' || (e.$metadata?.httpStatusCode ?? 0) >= 500)) return true;
  return e.$retryable !== undefined;
}

export interface RetryOptions {
  attempts?: number;
  baseDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  signal?: AbortSignal;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Runs `work`, retrying retryable failures with exponential backoff and jitter. */
export async function withRetry<T>(work: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 4;
  const sleep = options.sleep ?? realSleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= attempts || !isRetryable(error) || options.signal?.aborted) throw error;
      const delay = (options.baseDelayMs ?? 500) * 2 ** (attempt - 1);
      await sleep(delay / 2 + Math.random() * (delay / 2));
    }
  }
}
