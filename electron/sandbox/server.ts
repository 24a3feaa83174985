/** The sandbox's HTTP server on 127.0.0.1: reads each request, applies fault knobs, routes it, writes AWS's answer. */
import { receiveSignal, SIGNAL_PATH } from './cloudformation/providers/wait-condition';
import { OUTSIDE_DNS_PATH, serveOutsideDns } from './network/outside-dns';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SandboxCore } from './core';
import { SandboxError } from './errors';
import { decideFault, faultsFor, type FaultConfig } from './faults';
import type { SandboxRequest, SandboxResponse, ServiceName } from './http';
import { DEFAULT_REGION, SANDBOX_ACCOUNT, SANDBOX_CALLER_ARN } from './identity';
import { uuid } from './ids';
import { authenticate } from './iam/sessions';
import { acceptHttp2 } from './protocol/h2c';
import { faultError, implemented, operationOf, readSignature, renderError, route, serviceOf } from './router';

export interface ServerOptions {
  core: SandboxCore;
  port: number;
  faults: () => FaultConfig;
  random: () => number;
  /** Called after every request (for the request counter in `status`). */
  onRequest?: (service: ServiceName, operation: string) => void;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, response: SandboxResponse, requestId: string): void {
  const body = response.body === undefined ? Buffer.alloc(0) : typeof response.body === 'string' ? Buffer.from(response.body, 'utf8') : response.body;
  const headers: Record<string, string> = {
    'x-amzn-requestid': requestId,
    'x-amz-request-id': requestId,
    date: new Date().toUTCString(),
    server: 'BerthSandbox',
    ...response.headers,
  };
  if (headers['content-length'] === undefined) headers['content-length'] = String(body.length);
  res.writeHead(response.status, headers);
  // HEAD answers and 304s carry headers only.
  res.end(response.status === 304 || res.req.method === 'HEAD' ? undefined : body);
}

function decodePath(url: URL): string {
  try {
    return decodeURIComponent(url.pathname);
  } catch {
    return url.pathname;
  }
}

/** Starts listening; resolves with the server and its port once bound. */
export function startServer(options: ServerOptions): Promise<{ server: Server; port: number }> {
  const { core } = options;
  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    void handle(req, res).catch((error: unknown) => {
      console.error('[sandbox] request failed:', error);
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('Internal sandbox error');
      }
    });
  };
  const server = createServer(onRequest);
  // Clients that speak only HTTP/2 (Bedrock Runtime's) reach the same handler.
  acceptHttp2(server, onRequest);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = uuid();
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/_sandbox/health') {
      send(res, { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sandbox: true, name: 'Berth sandbox', endpoint: core.endpoint, region: core.region, account: SANDBOX_ACCOUNT, caller: SANDBOX_CALLER_ARN }) }, requestId);
      return;
    }
    if (url.pathname.startsWith(SIGNAL_PATH) && req.method === 'PUT') {
      // A wait condition handle's presigned URL: no SigV4 header, as on S3.
      const outcome = receiveSignal(core, url.pathname.slice(SIGNAL_PATH.length), req.headers['content-type'], body.toString('utf8'));
      send(res, { status: outcome.status, headers: { 'content-type': 'text/plain' }, body: outcome.message ?? '' }, requestId);
      return;
    }
    if (url.pathname === OUTSIDE_DNS_PATH) {
      // The outside world's DNS is the user's, not the account's: no signature, like the health check.
      const outcome = serveOutsideDns(core, req.method ?? 'GET', url.searchParams, body.toString('utf8'));
      send(res, { status: outcome.status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(outcome.body) }, requestId);
      return;
    }
    const signature = readSignature(req.headers, url.searchParams);
    if (!signature) {
      send(res, { status: 403, headers: { 'content-type': 'text/plain' }, body: 'The Berth sandbox needs SigV4-signed requests (any AWS SDK or the AWS CLI, with the sandbox credentials).' }, requestId);
      return;
    }
    const service = serviceOf(signature, req);
    if (!service || !implemented(service)) {
      const error = new SandboxError('UnknownOperationException', `The Berth sandbox does not implement the "${signature.service}" service.`);
      send(res, { status: 400, headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': error.code }, body: JSON.stringify({ __type: error.code, message: error.message }) }, requestId);
      return;
    }
    const request: SandboxRequest = {
      requestId,
      service,
      method: req.method ?? 'GET',
      path: decodePath(url),
      query: url.searchParams,
      headers: req.headers,
      body,
      accessKeyId: signature.accessKeyId,
      region: signature.region || DEFAULT_REGION,
      host: req.headers.host ?? '',
    };
    const operation = operationOf(service, request);
    options.onRequest?.(service, operation);
    // The sandbox's own key, or a role session's key with its token (sandbox.roleCredentials).
    const token = typeof req.headers['x-amz-security-token'] === 'string' ? req.headers['x-amz-security-token'] : (url.searchParams.get('X-Amz-Security-Token') ?? undefined);
    const who = authenticate(core, signature.accessKeyId, token);
    if (who?.kind === 'role') request.caller = who.caller;
    if (!who) {
      const error =
        service === 's3'
          ? new SandboxError('InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records. (The Berth sandbox accepts only its own local credentials and the role sessions it issued.)', 403)
          : service === 'sts' || service === 'cloudformation' || service === 'rds' || service === 'elasticache' || service === 'route53' || service === 'autoscaling'
            ? new SandboxError('InvalidClientTokenId', 'The security token included in the request is invalid. (The Berth sandbox accepts only its own local credentials and the role sessions it issued.)', 403)
            : new SandboxError('UnrecognizedClientException', 'The security token included in the request is invalid. (The Berth sandbox accepts only its own local credentials and the role sessions it issued.)', 400);
      send(res, renderError(service, error, request), requestId);
      return;
    }
    const faults = faultsFor(options.faults(), service);
    if (faults.latencyMs && faults.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, faults.latencyMs));
    const decision = decideFault(faults, operation, options.random);
    if (decision.kind === 'reset') {
      req.socket.destroy();
      return;
    }
    if (decision.kind !== 'none') {
      const e = faultError(service, decision.kind, operation, request.path === '/' ? '*' : `arn:aws:${service}:${request.region}:${SANDBOX_ACCOUNT}:${request.path.replace(/^\//, '') || '*'}`);
      send(res, renderError(service, new SandboxError(e.code, e.message, e.status), request), requestId);
      return;
    }
    let response: SandboxResponse;
    try {
      response = await route(service, request, core);
    } catch (error) {
      if (error instanceof SandboxError) response = renderError(service, error, request);
      else {
        console.error(`[sandbox] ${service}:${operation} failed:`, error);
        response = renderError(service, new SandboxError(service === 's3' ? 'InternalError' : 'InternalFailure', `The Berth sandbox failed on ${operation}: ${error instanceof Error ? error.message : String(error)}`, 500), request);
      }
    }
    send(res, response, requestId);
  }

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve({ server, port: (server.address() as AddressInfo).port });
    });
  });
}
