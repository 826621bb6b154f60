import http from "node:http";
import type { AddressInfo } from "node:net";
import { SOCKET_PATH } from "../../lib/wire/socket";

/**
 * An HTTP proxy in front of a server that passes everything but socket.io: its polling requests
 * are refused and websocket upgrades dropped, as some corporate proxies do.
 */
export async function startSocketBlockingProxy(target: string): Promise<{ url: string; close(): Promise<void> }> {
  const upstream = new URL(target);
  const server = http.createServer((req, res) => {
    if (req.url?.startsWith(SOCKET_PATH)) {
      res.writeHead(403, { "content-type": "text/plain" }).end("socket.io is blocked here");
      return;
    }
    const forwarded = http.request({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    forwarded.on("error", () => res.destroy());
    // A client that goes away ends its request upstream too (a stream the server holds open, say).
    res.on("close", () => forwarded.destroy());
    req.pipe(forwarded);
  });
  server.on("upgrade", (_req, socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
