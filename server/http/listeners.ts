import http, { type IncomingMessage, type ServerResponse } from "node:http";
import http2 from "node:http2";
import net, { type AddressInfo } from "node:net";

type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

const HTTP2_PREFACE = Buffer.from("PRI * HTTP/2.0");

/**
 * One cleartext port for HTTP/1.1 (Connect, gRPC-Web, REST) and HTTP/2 with prior knowledge
 * (gRPC). Node's http2 server accepts HTTP/1.1 only over TLS, so the first bytes of each
 * connection decide which server gets it.
 */
export function dualProtocolServer(handler: RequestHandler): net.Server & { h1: http.Server } {
  const h1 = http.createServer(handler);
  const h2 = http2.createServer(handler as unknown as (req: http2.Http2ServerRequest, res: http2.Http2ServerResponse) => void);
  const server = net.createServer((socket) => {
    socket.once("data", (first: Buffer) => {
      socket.pause();
      // Both servers take the sniffed bytes back from the socket's buffer (http2 reads what is
      // buffered before consuming the native handle), so the socket itself is handed over:
      // relaying it through a JS stream cost every HTTP/2 frame a copy.
      socket.unshift(first);
      if (first.subarray(0, HTTP2_PREFACE.length).equals(HTTP2_PREFACE)) {
        h2.emit("connection", socket);
      } else {
        h1.emit("connection", socket);
        socket.resume();
      }
    });
    socket.on("error", () => socket.destroy());
  });
  // The HTTP/1.1 side, for what hooks into an http.Server (socket.io's WebSocket upgrades).
  return Object.assign(server, { h1 });
}

export function listen(server: net.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Stops accepting, lets requests in flight finish for up to graceMs, then cuts the rest. */
export function closeServer(server: net.Server, sockets: Set<net.Socket>, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => sockets.forEach((s) => s.destroy()), graceMs);
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    for (const s of sockets) s.end();
  });
}

export function trackSockets(server: net.Server): Set<net.Socket> {
  const sockets = new Set<net.Socket>();
  server.on("connection", (socket: net.Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  return sockets;
}
