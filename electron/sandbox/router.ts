/**
 * Which service a request is for, and in which protocol it answers: by the SigV4 credential
 * scope (`Credential=<key>/<date>/<region>/<service>/aws4_request`), then `X-Amz-Target`,
 * then the query `Action`. Each service's handler and error shape live here.
 */
import type { SandboxCore } from './core';
import type { SandboxError } from './errors';
import { header, SERVICE_NAMES, type SandboxRequest, type SandboxResponse, type ServiceName } from './http';
import { jsonError } from './protocol/json';
import { jsonOperationName } from './protocol/json-service';
import { queryError } from './protocol/query';
import { handleLogs } from './logs';
import { handleS3, s3Error, s3OperationName } from './s3';
import { handleSsm } from './ssm';
import { handleSts, STS_NAMESPACE } from './sts';
import { CFN_NAMESPACE, handleCloudFormation } from './cloudformation/api';
import { handleEcr } from './ecr';
import { handleEcs } from './ecs';
import { handleTagging } from './tagging';
import { efsOperationName, handleEfs } from './efs';
import { ec2Error, EC2_NAMESPACE, handleEc2 } from './ec2';
import { handleServiceQuotas } from './quotas';
import { handleRds, RDS_NAMESPACE } from './rds';
import { ELASTICACHE_NAMESPACE, handleElastiCache } from './elasticache';
import { handleCodeBuild } from './codebuild';
import { handleRoute53, route53Error, route53OperationName } from './route53';
import { handleAcm } from './acm';
import { handleSecretsManager } from './secretsmanager';
import { AUTOSCALING_NAMESPACE, handleAutoScaling } from './autoscaling';
import { bedrockOperationName, handleBedrock } from './bedrock';

/** What the signature says about the caller. */
export interface Signature {
  accessKeyId: string;
  region: string;
  service: string;
}

/** Reads the credential scope from the Authorization header or a presigned URL's `X-Amz-Credential`. */
export function readSignature(headers: SandboxRequest['headers'], query: URLSearchParams): Signature | undefined {
  const auth = typeof headers.authorization === 'string' ? headers.authorization : undefined;
  const credential = auth ? /Credential=([^,\s]+)/.exec(auth)?.[1] : (query.get('X-Amz-Credential') ?? undefined);
  if (!credential) return undefined;
  const [accessKeyId, , region, service] = credential.split('/');
  if (!accessKeyId || !region || !service) return undefined;
  return { accessKeyId, region, service };
}

const TARGET_PREFIXES: Record<string, ServiceName> = {
  AmazonSSM: 'ssm',
  Logs_20140328: 'logs',
  AmazonEC2ContainerServiceV20141113: 'ecs',
  AmazonEC2ContainerRegistry_V20150921: 'ecr',
  ResourceGroupsTaggingAPI_20170126: 'tagging',
  ServiceQuotasV20190624: 'servicequotas',
  CodeBuild_20161006: 'codebuild',
  CertificateManager: 'acm',
  secretsmanager: 'secretsmanager',
};

/** The service a request is for (undefined when it names none the sandbox speaks). */
export function serviceOf(signature: Signature, req: Pick<SandboxRequest, 'headers'>): ServiceName | undefined {
  const scoped = signature.service === 'execute-api' ? undefined : signature.service;
  if (scoped && (SERVICE_NAMES as readonly string[]).includes(scoped)) return scoped as ServiceName;
  const target = header(req, 'x-amz-target');
  if (target) return TARGET_PREFIXES[target.split('.')[0]!];
  return undefined;
}

// EC2 is a query protocol of its own: flattened lists in, lowerCamel XML and `<Response><Errors>` out.
type Protocol = 'query' | 'ec2' | 'json' | 'rest-json' | 'rest-xml';

interface ServiceEntry {
  protocol: Protocol;
  namespace?: string;
  handle: (req: SandboxRequest, core: SandboxCore) => Promise<SandboxResponse>;
  /** REST services other than S3 name their operations by method and path in their own way. */
  operationName?: (req: SandboxRequest) => string;
  /** REST-XML services other than S3 write their own error document. */
  error?: (error: SandboxError, requestId: string) => SandboxResponse;
}

const SERVICES: Partial<Record<ServiceName, ServiceEntry>> = {
  sts: { protocol: 'query', namespace: STS_NAMESPACE, handle: handleSts },
  cloudformation: { protocol: 'query', namespace: CFN_NAMESPACE, handle: handleCloudFormation },
  s3: { protocol: 'rest-xml', handle: handleS3 },
  ssm: { protocol: 'json', handle: handleSsm },
  logs: { protocol: 'json', handle: handleLogs },
  ecs: { protocol: 'json', handle: handleEcs },
  ecr: { protocol: 'json', handle: handleEcr },
  tagging: { protocol: 'json', handle: handleTagging },
  ec2: { protocol: 'ec2', namespace: EC2_NAMESPACE, handle: handleEc2 },
  servicequotas: { protocol: 'json', handle: handleServiceQuotas },
  elasticfilesystem: { protocol: 'rest-json', handle: handleEfs },
  rds: { protocol: 'query', namespace: RDS_NAMESPACE, handle: handleRds },
  elasticache: { protocol: 'query', namespace: ELASTICACHE_NAMESPACE, handle: handleElastiCache },
  codebuild: { protocol: 'json', handle: handleCodeBuild },
  route53: { protocol: 'rest-xml', handle: handleRoute53, operationName: route53OperationName, error: route53Error },
  acm: { protocol: 'json', handle: handleAcm },
  secretsmanager: { protocol: 'json', handle: handleSecretsManager },
  autoscaling: { protocol: 'query', namespace: AUTOSCALING_NAMESPACE, handle: handleAutoScaling },
  // Control plane and runtime clients both sign as `bedrock`: one entry, routed by method and path.
  bedrock: { protocol: 'rest-json', handle: handleBedrock, operationName: bedrockOperationName },
};

/** True when the sandbox implements the service. */
export function implemented(service: ServiceName): boolean {
  return SERVICES[service] !== undefined;
}

function entryOf(service: ServiceName): ServiceEntry {
  return SERVICES[service] ?? { protocol: 'json', handle: () => Promise.reject(new Error(`${service} is not implemented`)) };
}

/** The operation a request names (`GetParameter`, `PutObject`, `CreateStack`...). */
export function operationOf(service: ServiceName, req: SandboxRequest): string {
  const entry = entryOf(service);
  if (entry.operationName) return entry.operationName(req);
  if (entry.protocol === 'json') return jsonOperationName(req);
  if (entry.protocol === 'query' || entry.protocol === 'ec2') return new URLSearchParams(req.body.toString('utf8')).get('Action') ?? '';
  if (entry.protocol === 'rest-json') return efsOperationName(req);
  return s3OperationName(req);
}

/** Runs a request through its service. */
export function route(service: ServiceName, req: SandboxRequest, core: SandboxCore): Promise<SandboxResponse> {
  return entryOf(service).handle(req, core);
}

/** Renders an error in the service's wire format so the SDK raises its own exception class. */
export function renderError(service: ServiceName, error: SandboxError, req: Pick<SandboxRequest, 'requestId' | 'method'>): SandboxResponse {
  const entry = entryOf(service);
  if (entry.error) return entry.error(error, req.requestId);
  // REST-JSON services read the error type from the same header as JSON ones.
  if (entry.protocol === 'json' || entry.protocol === 'rest-json') return jsonError(error, req.requestId);
  if (entry.protocol === 'query') return queryError(error, entry.namespace!, req.requestId);
  if (entry.protocol === 'ec2') return ec2Error(error, req.requestId);
  return s3Error(error, req.requestId, req.method);
}

/** Throttling, internal and access-denied errors in each service's own codes. */
export function faultError(service: ServiceName, kind: 'throttle' | 'error' | 'deny', operation: string, resource: string): { code: string; message: string; status: number } {
  const protocol = entryOf(service).protocol;
  if (kind === 'throttle') {
    if (service === 's3') return { code: 'SlowDown', message: 'Please reduce your request rate.', status: 503 };
    if (protocol === 'ec2') return { code: 'RequestLimitExceeded', message: 'Request limit exceeded.', status: 503 };
    if (protocol === 'query' || service === 'route53') return { code: 'Throttling', message: 'Rate exceeded', status: 400 };
    if (service === 'bedrock') return { code: 'ThrottlingException', message: 'Too many requests, please wait before trying again. (sandbox fault)', status: 429 };
    return { code: 'ThrottlingException', message: 'Rate exceeded', status: 400 };
  }
  if (kind === 'error') {
    if (service === 's3') return { code: 'InternalError', message: 'We encountered an internal error. Please try again.', status: 500 };
    if (protocol === 'ec2') return { code: 'InternalError', message: 'An internal error has occurred (sandbox fault).', status: 500 };
    if (service === 'bedrock') return { code: 'InternalServerException', message: 'An internal server error occurred. Retry your request. (sandbox fault)', status: 500 };
    return { code: 'InternalFailure', message: 'The request processing has failed because of an unknown error, exception or failure (sandbox fault).', status: 500 };
  }
  const action = `${service === 'tagging' ? 'tag' : service}:${operation}`;
  const message = `User: arn:aws:iam::000000000000:user/berth-sandbox is not authorized to perform: ${action} on resource: ${resource} because no identity-based policy allows the ${action} action (a sandbox fault knob denied it)`;
  if (service === 's3') return { code: 'AccessDenied', message: 'Access Denied', status: 403 };
  if (protocol === 'ec2') return { code: 'UnauthorizedOperation', message: `You are not authorized to perform this operation. ${message}`, status: 403 };
  if (protocol === 'query' || service === 'route53') return { code: 'AccessDenied', message, status: 403 };
  if (service === 'bedrock') return { code: 'AccessDeniedException', message, status: 403 };
  return { code: 'AccessDeniedException', message, status: 400 };
}
