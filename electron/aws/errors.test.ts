import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { ListClustersCommand } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { toAppError } from '../api/errors';
import { buildClients } from './clients';
import { isAwsError, mapAwsError, nameTheCall, parseAccessDenied } from './errors';

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
    const throttled = awsError('ThrottlingException', 'Too many requests');
    nameTheCall(throttled, 'BedrockClient', 'GetFoundationModelAvailabilityCommand');
    expect(mapAwsError(throttled).message).toBe('AWS is throttling Bedrock GetFoundationModelAvailability requests. Berth retried and gave up; wait a minute and try again.');
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

describe('answers the SDK cannot read', () => {
  /** A non-AWS endpoint: an HTML error page, a 200 HTML page, or CloudFormation XML with a malformed date. */
  async function endpoint(answer: { status: number; type: string; body: string }) {
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(answer.status, { 'content-type': answer.type });
        res.end(answer.body);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const clients = buildClients(
      { region: 'us-east-1', endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x' }, maxAttempts: 1 },
      true,
    );
    return { clients, close: () => new Promise<void>((r) => server.close(() => r())) };
  }

  async function failure(call: () => Promise<unknown>) {
    try {
      await call();
    } catch (e) {
      return toAppError(e);
    }
    throw new Error('the call succeeded');
  }

  const html500 = { status: 500, type: 'text/html', body: '<html><body><h1>500 Internal Server Error</h1></body></html>' };

  it('names the service, operation and HTTP status of an HTML error page (JSON and query protocols)', async () => {
    const { clients, close } = await endpoint(html500);
    try {
      const ecs = await failure(() => clients.ecs.send(new ListClustersCommand({})));
      expect(ecs.code).toBe('UNREADABLE_RESPONSE');
      expect(ecs.message).toMatch(/^ECS ListClusters answered HTTP 500 with something Berth could not read \(.*not valid JSON\)\. .*retry\.$/);
      expect(ecs.message).not.toMatch(/AWS returned|TypeError|SyntaxError|\$response/);
      expect(ecs.details).toMatchObject({ service: 'ECS', operation: 'ListClusters', httpStatusCode: 500 });
      const cfn = await failure(() => clients.cloudformation.send(new DescribeStacksCommand({})));
      expect(cfn.message).toBe(
        'CloudFormation DescribeStacks answered HTTP 500 with something Berth could not read (no AWS error code in the body). The service, or a proxy between you and it, failed without an AWS error: wait a minute and retry.',
      );
    } finally {
      await close();
    }
  });

  it('says a 200 answer in the wrong format may come from a proxy or a non-AWS endpoint', async () => {
    const { clients, close } = await endpoint({ status: 200, type: 'text/html', body: '<html>Sign in to the Wi-Fi</html>' });
    try {
      const logs = await failure(() => clients.logs.send(new DescribeLogGroupsCommand({})));
      expect(logs.message).toMatch(/^CloudWatch Logs DescribeLogGroups answered HTTP 200 with something Berth could not read .*a proxy, a captive portal or a non-AWS endpoint/);
    } finally {
      await close();
    }
  });

  it('names the call when a timestamp is malformed', async () => {
    const body =
      '<DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><DescribeStacksResult><Stacks><member><StackName>berth-x</StackName><StackId>id</StackId><CreationTime>yesterday</CreationTime><StackStatus>CREATE_COMPLETE</StackStatus></member></Stacks></DescribeStacksResult></DescribeStacksResponse>';
    const { clients, close } = await endpoint({ status: 200, type: 'text/xml', body });
    try {
      const cfn = await failure(() => clients.cloudformation.send(new DescribeStacksCommand({})));
      expect(cfn.code).toBe('UNREADABLE_RESPONSE');
      expect(cfn.message).toMatch(/^CloudFormation DescribeStacks answered HTTP 200 with something Berth could not read \(Invalid RFC3339 timestamp format yesterday\)/);
    } finally {
      await close();
    }
  });

  it('names the call on an ordinary AWS error too', async () => {
    const { clients, close } = await endpoint({ status: 400, type: 'text/xml', body: '<ErrorResponse><Error><Type>Sender</Type><Code>ValidationError</Code><Message>Stack with id berth-x does not exist</Message></Error></ErrorResponse>' });
    try {
      const cfn = await failure(() => clients.cloudformation.send(new DescribeStacksCommand({ StackName: 'berth-x' })));
      expect(cfn).toMatchObject({ code: 'AWS_ERROR', message: 'AWS returned ValidationError to CloudFormation DescribeStacks: Stack with id berth-x does not exist' });
    } finally {
      await close();
    }
  });
});
