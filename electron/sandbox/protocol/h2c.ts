/**
 * HTTP/2 over cleartext on the same port as HTTP/1.1. Some SDK clients speak only HTTP/2
 * (`@aws-sdk/client-bedrock-runtime` uses NodeHttp2Handler, with prior knowledge on `http://`),
 * as AWS's endpoints accept both: a connection that opens with HTTP/2's preface goes to an HTTP/2
 * server with the same request handler, any other to the HTTP/1.1 server.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttp2Server, type Http2ServerRequest, type Http2ServerResponse } from 'node:http2';
import type { Socket } from 'node:net';
import { Duplex } from 'node:stream';

const PREFACE = 'PRI * HTTP/2.0';

/** A stream that replays the connection's first bytes, then carries the socket both ways (node:http2 does not read bytes already taken from a socket). */
function replaying(socket: Socket, first: Buffer): Duplex {
  const duplex = new Duplex({
    read() {
      socket.resume();
    },
    write(data: Buffer, encoding, done) {
      socket.write(data, encoding, done);
    },
    final(done) {
      socket.end();
      done();
    },
    destroy(error, done) {
      socket.destroy(error ?? undefined);
      done(error);
    },
  });
  duplex.push(first);
  socket.on('data', (data) => {
    if (!duplex.push(data)) socket.pause();
  });
  socket.on('end', () => duplex.push(null));
  socket.on('close', () => duplex.destroy());
  socket.on('error', (error) => duplex.destroy(error));
  return duplex;
}

/** Makes `server` also answer HTTP/2 with prior knowledge, through the same handler; `closeAllConnections` closes those too. */
export function acceptHttp2(server: Server, handler: (req: IncomingMessage, res: ServerResponse) => void): void {
  const h2 = createHttp2Server((req: Http2ServerRequest, res: Http2ServerResponse) => {
    // The handler reads the host from `host`; HTTP/2 carries it as `:authority`.
    if (req.headers.host === undefined && typeof req.headers[':authority'] === 'string') req.headers.host = req.headers[':authority'];
    // The compatibility API has every member the handler uses (url, method, headers, socket, writeHead, end, req).
    handler(req as unknown as IncomingMessage, res as unknown as ServerResponse);
  });
  const sockets = new Set<Socket>();
  const http1 = server.listeners('connection') as ((socket: Socket) => void)[];
  server.removeAllListeners('connection');
  server.on('connection', (socket: Socket) => {
    socket.once('data', (chunk: Buffer) => {
      socket.pause();
      if (chunk.subarray(0, PREFACE.length).toString('latin1') === PREFACE) {
        sockets.add(socket);
        socket.once('close', () => sockets.delete(socket));
        h2.emit('connection', replaying(socket, chunk));
      } else {
        socket.unshift(chunk);
        for (const listener of http1) listener.call(server, socket);
      }
      socket.resume();
    });
  });
  const closeHttp1 = server.closeAllConnections.bind(server);
  server.closeAllConnections = () => {
    closeHttp1();
    for (const socket of sockets) socket.destroy();
  };
}
