/**
 * The web bridge: the same handler map over HTTP (`POST /api/<method>`) and Server-Sent
 * Events (`GET /api/events`), plus the built renderer, for `npm run web` and e2e tests.
 * Binds 127.0.0.1 only; every API request needs this launch's random token; requests from
 * a foreign Origin or Host (DNS rebinding) are refused.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fail, type Result } from '../../shared/result';
import type { AppContext } from '../api/context';
import { dispatch } from '../api/dispatch';
import type { Handlers } from '../api/handler-types';
import { CONTENT_SECURITY_POLICY } from '../app/security';

/** Bodies larger than this are refused with 413: no contract argument comes close. */
export const MAX_BODY_BYTES = 1024 * 1024;
const HEARTBEAT_MS = 15_000;

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

export interface BridgeOptions {
  handlers: Handlers;
  ctx: AppContext;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Folder with the built renderer; without it only the API is served. */
  rendererDir?: string;
  /** Fixed token (tests); default is 32 random bytes. */
  token?: string;
}

export interface Bridge {
  url: string;
  origin: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

function sameToken(given: string | undefined, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(text);
}

function sendError(res: ServerResponse, status: number, result: Result<never>): void {
  sendJson(res, status, result);
}

/** Reads a request body up to `limit` bytes; resolves null when it is larger. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolveBody, reject) => {
    const declared = Number(req.headers['content-length'] ?? '0');
    if (declared > limit) {
      resolveBody(null);
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolveBody(tooLarge ? null : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Starts the bridge; resolves once it listens. */
export async function startBridge(options: BridgeOptions): Promise<Bridge> {
  const token = options.token ?? randomBytes(32).toString('base64url');
  const rendererRoot = options.rendererDir ? resolve(options.rendererDir) : undefined;
  const sseClients = new Set<ServerResponse>();
  let port = 0;

  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const allowedOrigins = () => new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);

  const unsubscribe = options.ctx.subscribe((event, payload) => {
    const frame = `event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`;
    for (const client of sseClients) client.write(frame);
  });

  async function serveStatic(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
    if (!rendererRoot) {
      res.writeHead(404).end();
      return;
    }
    let decoded: string;
    try {
      decoded = decodeURIComponent(pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    const candidate = resolve(rendererRoot, '.' + normalize('/' + decoded));
    if (candidate !== rendererRoot && !candidate.startsWith(rendererRoot + sep)) {
      res.writeHead(404).end();
      return;
    }
    let file = candidate;
    const info = await stat(file).catch(() => null);
    // Unknown paths without an extension are app routes: serve the single page.
    if (!info || info.isDirectory()) {
      if (extname(decoded) !== '') {
        res.writeHead(404).end();
        return;
      }
      file = join(rendererRoot, 'index.html');
    }
    const headers: Record<string, string> = {
      'Content-Type': MIME[extname(file)] ?? 'application/octet-stream',
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      // Only Vite's hashed assets/ never change under their name; the page and the icon may.
      'Cache-Control': file.endsWith('index.html') ? 'no-store' : file.startsWith(join(rendererRoot, 'assets') + sep) ? 'public, max-age=31536000, immutable' : 'no-cache',
    };
    if (file.endsWith('.html')) {
      headers['Content-Security-Policy'] = CONTENT_SECURITY_POLICY;
      headers['X-Frame-Options'] = 'DENY';
    }
    res.writeHead(200, headers);
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    createReadStream(file).pipe(res);
  }

  function openEvents(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.write(`: berth events\nretry: 1000\n\n`);
    sseClients.add(res);
    const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), HEARTBEAT_MS);
    req.on('close', () => {
      clearInterval(heartbeat);
      sseClients.delete(res);
    });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // DNS rebinding: a page on another name that resolves to 127.0.0.1 sends a foreign Host.
    if (!allowedHosts().has(req.headers.host ?? '')) {
      sendError(res, 403, fail('UNTRUSTED_SENDER', 'Requests must be addressed to 127.0.0.1 or localhost.'));
      return;
    }
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins().has(origin)) {
      sendError(res, 403, fail('UNTRUSTED_SENDER', `Requests from ${origin.slice(0, 200)} are not allowed.`));
      return;
    }
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    if (!url.pathname.startsWith('/api/')) {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { Allow: 'GET, HEAD' }).end();
        return;
      }
      await serveStatic(req, res, url.pathname);
      return;
    }
    const auth = req.headers.authorization;
    const given = auth?.startsWith('Bearer ') ? auth.slice(7) : url.pathname === '/api/events' ? (url.searchParams.get('token') ?? undefined) : undefined;
    if (!sameToken(given, token)) {
      sendError(res, 401, fail('UNTRUSTED_SENDER', 'Missing or wrong access token. Open the URL that `berth web` printed.'));
      return;
    }
    if (url.pathname === '/api/events') {
      if (req.method !== 'GET') {
        res.writeHead(405, { Allow: 'GET' }).end();
        return;
      }
      openEvents(req, res);
      return;
    }
    if (req.method !== 'POST') {
      res.writeHead(405, { Allow: 'POST' }).end();
      return;
    }
    const type = req.headers['content-type'] ?? '';
    if (!type.startsWith('application/json')) {
      sendError(res, 415, fail('INVALID_ARGUMENT', 'Send the argument as application/json.'));
      return;
    }
    const method = decodeURIComponent(url.pathname.slice('/api/'.length));
    const body = await readBody(req, MAX_BODY_BYTES);
    if (body === null) {
      sendError(res, 413, fail('INVALID_ARGUMENT', `The request body is larger than ${MAX_BODY_BYTES} bytes.`));
      return;
    }
    let args: unknown;
    try {
      args = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
    } catch {
      sendError(res, 400, fail('INVALID_ARGUMENT', 'The request body is not valid JSON.'));
      return;
    }
    const result = await dispatch(options.handlers, options.ctx, method, args);
    sendJson(res, result.ok || result.error.code !== 'UNKNOWN_METHOD' ? 200 : 404, result);
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) sendError(res, 500, fail('INTERNAL', 'The bridge failed to answer this request.'));
      else res.end();
    });
  });
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolveListen());
  });
  port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;

  return {
    url: `${origin}/?token=${encodeURIComponent(token)}`,
    origin,
    port,
    token,
    async close() {
      unsubscribe();
      for (const client of sseClients) client.end();
      sseClients.clear();
      await new Promise<void>((resolveClose) => {
        server.close(() => resolveClose());
        server.closeAllConnections();
      });
    },
  };
}

