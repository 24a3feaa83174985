/** The request and response shapes every sandbox service handles (plain data, no Node streams). */
import type { IncomingHttpHeaders } from 'node:http';
import type { RoleCaller } from './iam/sessions';

/** The AWS services the sandbox speaks, by their SigV4 signing name. */
export const SERVICE_NAMES = ['sts', 's3', 'ssm', 'logs', 'ecs', 'ecr', 'cloudformation', 'tagging', 'ec2', 'servicequotas', 'elasticfilesystem', 'rds', 'elasticache', 'codebuild', 'route53', 'acm', 'secretsmanager', 'bedrock', 'autoscaling'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export interface SandboxRequest {
  requestId: string;
  service: ServiceName;
  method: string;
  /** Path without the query string, percent-decoded. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The access key id from the signature. */
  accessKeyId: string;
  /** Region from the credential scope. */
  region: string;
  /** Host header, for S3 virtual-hosted-style addressing. */
  host: string;
  /** The role session that signed it; absent for the sandbox's own user. */
  caller?: RoleCaller;
}

export interface SandboxResponse {
  status: number;
  headers: Record<string, string>;
  body?: Buffer | string;
}

/** Reads one header as a string (first value when repeated). */
export function header(req: Pick<SandboxRequest, 'headers'>, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}
