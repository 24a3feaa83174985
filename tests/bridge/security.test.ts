/** The web bridge's security: token, Origin and Host checks, loopback only, bad bodies refused. */
import { request } from 'node:http';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext, type AppContext } from '../../electron/api/context';
import { handlers } from '../../electron/api/handlers';
import { MAX_BODY_BYTES, startBridge, type Bridge } from '../../electron/bridge/server';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function send(bridge: Bridge, path: string, init: { method?: string; headers?: Record<string, string>; body?: string | Buffer; host?: string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: init.host ?? '127.0.0.1', port: bridge.port, path, method: init.method ?? 'GET', headers: init.headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    if (init.body !== undefined) req.write(init.body);
    req.end();
  });
}

describe('web bridge security', () => {
  let root: string;
  let ctx: AppContext;
  let bridge: Bridge;
  const auth = () => ({ Authorization: `Bearer ${bridge.token}`, 'Content-Type': 'application/json' });

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'berth-bridge-'));
    await mkdir(join(root, 'renderer'));
    await writeFile(join(root, 'renderer', 'index.html'), '<!doctype html><title>Berth</title>');
    await writeFile(join(root, 'secret.txt'), 'outside the renderer');
    ctx = createContext({ shell: 'test', version: 't', dataDir: join(root, 'data') });
    bridge = await startBridge({ handlers, ctx, rendererDir: join(root, 'renderer') });
  });
  afterAll(async () => {
    await bridge.close();
    await ctx.dispose();
    await rm(root, { recursive: true, force: true });
  });

  it('prints a 127.0.0.1 URL carrying a long random token', () => {
    expect(bridge.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{40,}$/);
  });

  it('answers a method with its Result when the token is right', async () => {
    const reply = await send(bridge, '/api/app:info', { method: 'POST', headers: auth(), body: '{}' });
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toMatchObject({ ok: true, value: { name: 'Berth', version: 't' } });
  });

  it('401 without the token or with a wrong one', async () => {
    expect((await send(bridge, '/api/app:info', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' })).status).toBe(401);
    const wrong = await send(bridge, '/api/app:info', { method: 'POST', headers: { ...auth(), Authorization: 'Bearer nope' }, body: '{}' });
    expect(wrong.status).toBe(401);
    expect(JSON.parse(wrong.body)).toMatchObject({ ok: false, error: { code: 'UNTRUSTED_SENDER' } });
    // The token in the query string is accepted only for the event stream (EventSource cannot set headers).
    expect((await send(bridge, `/api/app:info?token=${bridge.token}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' })).status).toBe(401);
    expect((await send(bridge, '/api/events')).status).toBe(401);
  });

  it('403 for a foreign Origin, even with the token', async () => {
    const reply = await send(bridge, '/api/app:info', { method: 'POST', headers: { ...auth(), Origin: 'https://evil.example' }, body: '{}' });
    expect(reply.status).toBe(403);
    const same = await send(bridge, '/api/app:info', { method: 'POST', headers: { ...auth(), Origin: bridge.origin }, body: '{}' });
    expect(same.status).toBe(200);
  });

  it('403 for a foreign Host header (DNS rebinding)', async () => {
    const reply = await send(bridge, '/api/app:info', { method: 'POST', headers: { ...auth(), Host: `evil.example:${bridge.port}` }, body: '{}' });
    expect(reply.status).toBe(403);
  });

  it('is bound to 127.0.0.1 only', async () => {
    const external = Object.values(networkInterfaces())
      .flat()
      .find((i) => i && i.family === 'IPv4' && !i.internal);
    if (external) {
      await expect(send(bridge, '/', { host: external.address })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    }
    // Whatever the machine's interfaces, the listening address itself is loopback.
    expect(bridge.origin).toBe(`http://127.0.0.1:${bridge.port}`);
  });

  it('rejects malformed JSON, wrong content types and oversized bodies cleanly', async () => {
    const bad = await send(bridge, '/api/project:open', { method: 'POST', headers: auth(), body: '{"dir": ' });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body)).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    const text = await send(bridge, '/api/app:info', { method: 'POST', headers: { ...auth(), 'Content-Type': 'text/plain' }, body: '{}' });
    expect(text.status).toBe(415);
    const big = await send(bridge, '/api/project:open', { method: 'POST', headers: auth(), body: Buffer.alloc(MAX_BODY_BYTES + 10, 'a') });
    expect(big.status).toBe(413);
    // The bridge still answers afterwards.
    expect((await send(bridge, '/api/app:info', { method: 'POST', headers: auth(), body: '{}' })).status).toBe(200);
  });

  it('turns a schema violation into INVALID_ARGUMENT naming the field', async () => {
    const reply = await send(bridge, '/api/project:open', { method: 'POST', headers: auth(), body: JSON.stringify({ dir: 'not/absolute' }) });
    const result = JSON.parse(reply.body) as { ok: boolean; error: { code: string; message: string } };
    expect(result.ok).toBe(false);
    expect(result.error.code).toBe('INVALID_ARGUMENT');
    expect(result.error.message).toContain('dir');
  });

  it('404 for a method that is not in the contract; GET on a method is 405', async () => {
    const reply = await send(bridge, '/api/shell:exec', { method: 'POST', headers: auth(), body: '{}' });
    expect(reply.status).toBe(404);
    expect(JSON.parse(reply.body)).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    expect((await send(bridge, '/api/app:info', { headers: auth() })).status).toBe(405);
  });

  it('serves the renderer with a CSP, and nothing outside its folder', async () => {
    const index = await send(bridge, '/');
    expect(index.status).toBe(200);
    expect(index.headers['content-security-policy']).toContain("script-src 'self'");
    expect((await send(bridge, '/../secret.txt')).body).not.toContain('outside the renderer');
    expect((await send(bridge, '/%2e%2e/secret.txt')).body).not.toContain('outside the renderer');
    expect((await send(bridge, '/missing.js')).status).toBe(404);
  });

  it('streams contract events to an authorised SSE client', async () => {
    const received = await new Promise<string>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: bridge.port, path: `/api/events?token=${encodeURIComponent(bridge.token)}` }, (res) => {
        expect(res.headers['content-type']).toContain('text/event-stream');
        let text = '';
        res.on('data', (c: Buffer) => {
          text += c.toString('utf8');
          if (text.includes('event: sandbox:status')) {
            req.destroy();
            resolve(text);
          }
        });
        setTimeout(() => ctx.emit('sandbox:status', { running: false, speed: 'instant' }), 50);
      });
      req.on('error', reject);
      req.end();
    });
    expect(received).toContain('data: {"running":false,"speed":"instant"}');
  });
});
