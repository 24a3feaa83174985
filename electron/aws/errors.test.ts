import { describe, expect, it } from 'vitest';
import { toAppError } from '../api/errors';
import { isAwsError, mapAwsError, parseAccessDenied } from './errors';

const awsError = (name: string, message: string) => Object.assign(new Error(message), { name, $metadata: { httpStatusCode: 400, requestId: 'req-1' } });

describe('AWS error mapping', () => {
  it('names the missing permission and resource from an AccessDenied message', () => {
    const message =
      'User: arn:aws:iam::111122223333:user/alice is not authorized to perform: cloudformation:CreateStack on resource: arn:aws:cloudformation:us-east-1:111122223333:stack/berth-bootstrap/* because no identity-based policy allows the cloudformation:CreateStack action';
    expect(parseAccessDenied(message)).toEqual({
      action: 'cloudformation:CreateStack',
      resource: 'arn:aws:cloudformation:us-east-1:111122223333:stack/berth-bootstrap/*',
      principal: 'arn:aws:iam::111122223333:user/alice',
    });
    const mapped = mapAwsError(awsError('AccessDenied', message));
    expect(mapped.code).toBe('ACCESS_DENIED');
    expect(mapped.message).toContain('cloudformation:CreateStack');
    expect(mapped.message).toContain('berth-bootstrap');
    expect(mapped.details).toMatchObject({ requestId: 'req-1', action: 'cloudformation:CreateStack' });
  });

  it('maps expired tokens, throttling, network failures and disabled regions', () => {
    expect(mapAwsError(awsError('ExpiredTokenException', 'The security token included in the request is expired')).code).toBe('CREDENTIALS_EXPIRED');
    expect(mapAwsError(awsError('ThrottlingException', 'Rate exceeded')).code).toBe('THROTTLED');
    expect(mapAwsError(awsError('InvalidClientTokenId', 'bad')).code).toBe('CREDENTIALS_MISSING');
    expect(mapAwsError(awsError('UnrecognizedClientException', 'The security token included in the request is invalid')).code).toBe('CREDENTIALS_MISSING');
    expect(mapAwsError(awsError('OptInRequired', 'not subscribed')).code).toBe('REGION_NOT_ENABLED');
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4566'), { code: 'ECONNREFUSED' });
    expect(isAwsError(refused)).toBe(true);
    expect(toAppError(refused).code).toBe('NETWORK');
    expect(mapAwsError(awsError('ValidationError', 'Template format error')).code).toBe('AWS_ERROR');
  });

  it('treats SDK credential-provider failures as AWS errors a user can act on', () => {
    const e = Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' });
    expect(toAppError(e).code).toBe('CREDENTIALS_MISSING');
  });
});
