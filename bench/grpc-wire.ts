import http2 from "node:http2";

/**
 * A bare gRPC unary call over node:http2 with a request already encoded: what a simulated node
 * needs to send the same call thousands of times a second. The Connect client costs about 1.5 ms
 * of CPU a call, so a load generator built on it saturates its own core long before the server;
 * this one costs a fraction of that, and the server handles the call like any other.
 */
export class GrpcWire {
  private readonly session: http2.ClientHttp2Session;

  constructor(baseUrl: string) {
    this.session = http2.connect(baseUrl);
    this.session.on("error", () => undefined);
  }

  /** Calls `path` ("/package.Service/Method") with the encoded request; resolves on grpc-status 0. */
  unary(path: string, request: Uint8Array, headers: Record<string, string>, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const frame = Buffer.allocUnsafe(5 + request.length);
      frame[0] = 0;
      frame.writeUInt32BE(request.length, 1);
      frame.set(request, 5);
      const stream = this.session.request({ ":method": "POST", ":path": path, "content-type": "application/grpc+proto", te: "trailers", ...headers });
      const timer = setTimeout(() => {
        stream.close(http2.constants.NGHTTP2_CANCEL);
        reject(new Error(`${path}: no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      let status: string | undefined;
      let message = "";
      stream.on("response", (h) => {
        status = h["grpc-status"] as string | undefined;
        message = (h["grpc-message"] as string | undefined) ?? "";
      });
      stream.on("trailers", (t) => {
        status = (t["grpc-status"] as string | undefined) ?? status;
        message = (t["grpc-message"] as string | undefined) ?? message;
      });
      stream.on("data", () => undefined);
      stream.on("error", (error: Error) => {
        clearTimeout(timer);
        reject(error);
      });
      stream.on("close", () => {
        clearTimeout(timer);
        if (status === "0") resolve();
        else reject(new Error(`${path}: grpc-status ${status ?? "missing"} ${decodeURIComponent(message)}`));
      });
      stream.end(frame);
    });
  }

  close(): void {
    this.session.close();
  }
}
