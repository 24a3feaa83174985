/** AWS SDK v3 exceptions mapped to AppError codes with messages a user can act on. */
import type { AppError, ErrorCode } from '../../shared/result';

/** The parts of an SDK v3 service exception Berth reads. */
export interface AwsErrorLike {
  name: string;
  message: string;
  $metadata?: { httpStatusCode?: number; requestId?: string };
  $fault?: 'client' | 'server';
  code?: string;
}

/** Which call failed: set on the error by the client factory's middleware. */
const CALL = Symbol('berth.call');

/** Records the service and operation on a failure ("ECSClient"/"ListClustersCommand" → ECS, ListClusters). */
export function nameTheCall(error: unknown, clientName?: string, commandName?: string): void {
  if (!(error instanceof Error) || !clientName || !commandName || CALL in error) return;
  const service = SERVICE_WORDS[clientName] ?? clientName.replace(/Client$/, '');
  Object.defineProperty(error, CALL, { value: { service, operation: commandName.replace(/Command$/, '') }, enumerable: false });
}

/** The service and operation a failure came from, when the client factory made the client. */
export function callOf(error: unknown): { service: string; operation: string } | undefined {
  return error instanceof Error ? (error as Error & { [CALL]?: { service: string; operation: string } })[CALL] : undefined;
}

const SERVICE_WORDS: Record<string, string> = {
  CloudWatchLogsClient: 'CloudWatch Logs',
  ResourceGroupsTaggingAPIClient: 'Resource Groups Tagging',
  ServiceQuotasClient: 'Service Quotas',
};

/** JavaScript errors the SDK's parsers throw on a body that is not AWS's format (HTML, a malformed date). */
const PARSE_ERRORS = new Set(['SyntaxError', 'TypeError', 'RangeError', 'Error']);

/** True when the SDK could not read the answer: a parser's error, or a failure with no AWS error code in the body. */
function isUnreadable(error: AwsErrorLike): boolean {
  if (error.$metadata === undefined || NETWORK_CODES.has(error.code ?? '')) return false;
  if (PARSE_ERRORS.has(error.name) && (error.$fault === undefined || /Deserialization error/.test(error.message))) return true;
  return (error.name === 'Unknown' || error.name === 'UnknownError') && (error.$metadata?.httpStatusCode ?? 0) >= 400;
}

/** The parser's own words, without the SDK's hint about hidden fields. */
function parserWords(error: AwsErrorLike): string {
  const first = error.message.split('\n')[0]!.trim();
  return first === '' || first === 'Unknown' || first === 'UnknownError' ? 'no AWS error code in the body' : first.replace(/\.$/, '');
}

function unreadableAnswer(error: AwsErrorLike, details: Record<string, unknown>): AppError {
  const call = callOf(error);
  const status = error.$metadata?.httpStatusCode;
  const who = call ? `${call.service} ${call.operation}` : 'An AWS call';
  const answered = status ? `answered HTTP ${status}` : 'answered';
  const advice =
    status !== undefined && status >= 500
      ? 'The service, or a proxy between you and it, failed without an AWS error: wait a minute and retry.'
      : 'The answer is not in AWS’s format: a proxy, a captive portal or a non-AWS endpoint may be answering. Check the endpoint and your network, then retry.';
  return { code: 'UNREADABLE_RESPONSE', message: `${who} ${answered} with something Berth could not read (${parserWords(error)}). ${advice}`, details: { ...details, httpStatusCode: status } };
}

/** True for SDK service exceptions, credential-provider failures and the SDK's network errors. */
export function isAwsError(error: unknown): error is AwsErrorLike {
  if (!(error instanceof Error)) return false;
  const e = error as Error & Partial<AwsErrorLike>;
  return e.$metadata !== undefined || NETWORK_CODES.has(e.code ?? '') || NETWORK_CODES.has(e.name) || isCredentialProviderError(error);
}

const PROVIDER_ERRORS = new Set(['CredentialsProviderError', 'TokenProviderError', 'ProviderError']);

/** True for the SDK's "could not load credentials / token" errors (raised before any request is sent). */
export function isCredentialProviderError(error: unknown): boolean {
  return error instanceof Error && PROVIDER_ERRORS.has(error.name);
}

/**
 * Maps a credential-provider failure to [code, message, details]: an SSO token problem asks
 * for a sign-in, anything else says which profile could not produce credentials.
 */
export function credentialError(error: Error, profile?: string): [ErrorCode, string, Record<string, unknown>] {
  const who = profile ? `profile "${profile}"` : 'the default credentials (environment variables or the default profile)';
  const details: Record<string, unknown> = { awsError: error.name, ...(profile ? { profile } : {}) };
  if (/sso|token/i.test(error.message) && /expired|invalid|refresh|not found|login/i.test(error.message)) {
    return [
      'SSO_LOGIN_REQUIRED',
      `The SSO session for ${who} has expired or is missing. Sign in from Berth's Connection screen${profile ? ` (or run \`aws sso login --profile ${profile}\`)` : ''} and retry.`,
      details,
    ];
  }
  if (/expired/i.test(error.message)) {
    return ['CREDENTIALS_EXPIRED', `The credentials of ${who} have expired. Refresh them and retry.`, details];
  }
  return ['CREDENTIALS_MISSING', `Could not load AWS credentials for ${who}: ${firstLine(error.message)}. Check the profile in your AWS config files.`, details];
}

function firstLine(text: string): string {
  return text.split('\n')[0]!.trim().replace(/\.$/, '');
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'TimeoutError', 'RequestTimeout']);
const THROTTLING = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottledException',
  'TooManyRequestsException',
  'SlowDown',
  'RequestLimitExceeded',
  'ProvisionedThroughputExceededException',
]);
const ACCESS_DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'AuthorizationError']);
/** True for AWS's "you may not call this" errors, whichever service words them. */
export function isAccessDenied(error: unknown): boolean {
  return isAwsError(error) && ACCESS_DENIED.has(error.name);
}
const EXPIRED = new Set(['ExpiredToken', 'ExpiredTokenException', 'TokenRefreshRequired', 'RequestExpired', 'UnauthorizedException']);
const BAD_CREDENTIALS = new Set(['InvalidClientTokenId', 'SignatureDoesNotMatch', 'UnrecognizedClientException', 'InvalidAccessKeyId']);

/** Pulls "perform: <action> on resource: <arn>" out of an AccessDenied message. */
export function parseAccessDenied(message: string): { action?: string; resource?: string; principal?: string } {
  const action = /perform:?\s+([a-z0-9-]+:[A-Za-z0-9*]+)/i.exec(message)?.[1];
  const resource = /on resource:?\s+(\S+?)(?:\s|$|\.(?:\s|$)|,)/i.exec(message)?.[1];
  const principal = /User:\s+(arn:\S+)/.exec(message)?.[1];
  return { action, resource, principal };
}

/** Maps one SDK error to an AppError; the original name and request id go into details. */
export function mapAwsError(error: AwsErrorLike): AppError {
  const details: Record<string, unknown> = { awsError: error.name, ...callOf(error) };
  if (error.$metadata?.requestId) details.requestId = error.$metadata.requestId;
  const name = error.name;
  if (isUnreadable(error)) return unreadableAnswer(error, details);
  if (isCredentialProviderError(error)) {
    const [code, message, more] = credentialError(error as Error);
    return { code, message, details: { ...details, ...more } };
  }
  if (NETWORK_CODES.has(name) || NETWORK_CODES.has(error.code ?? '')) {
    return { code: 'NETWORK', message: `Could not reach AWS (${error.code ?? name}). Check your network connection and try again.`, details };
  }
  if (THROTTLING.has(name)) {
    const call = callOf(error);
    const which = call ? `${call.service} ${call.operation} requests` : 'requests';
    return { code: 'THROTTLED', message: `AWS is throttling ${which}. Berth retried and gave up; wait a minute and try again.`, details };
  }
  if (ACCESS_DENIED.has(name)) {
    const { action, resource, principal } = parseAccessDenied(error.message);
    const what = action ? `the permission ${action}` : 'a permission';
    const on = resource ? ` on ${resource}` : '';
    return {
      code: 'ACCESS_DENIED',
      message: `Access denied: your credentials lack ${what}${on}. Ask an administrator to grant it${principal ? ` to ${principal}` : ''}, or use a profile that has it.`,
      details: { ...details, action, resource, principal },
    };
  }
  if (EXPIRED.has(name)) {
    return { code: 'CREDENTIALS_EXPIRED', message: 'Your AWS session has expired. Sign in again (or refresh the profile credentials) and retry.', details };
  }
  if (BAD_CREDENTIALS.has(name)) {
    return { code: 'CREDENTIALS_MISSING', message: 'AWS did not accept these credentials. Check the access key of the selected profile.', details };
  }
  if (name === 'OptInRequired' || /not (enabled|subscribed) for this region|opt.?in/i.test(error.message)) {
    return { code: 'REGION_NOT_ENABLED', message: 'This region is not enabled for your account. Enable it in the AWS console or pick another region.', details };
  }
  const call = callOf(error);
  return { code: 'AWS_ERROR', message: `AWS returned ${name}${call ? ` to ${call.service} ${call.operation}` : ''}: ${error.message}`, details };
}
