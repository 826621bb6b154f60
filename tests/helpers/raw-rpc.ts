import http2 from "node:http2";

export interface RawStatus {
  /** grpc-status, as a number (0 is OK). */
  code: number;
  message: string;
}

/** A gRPC envelope: flags byte, big-endian length, then the payload as it is (never encoded or compressed here). */
export function envelope(payload: Uint8Array, flags = 0): Buffer {
  const frame = Buffer.alloc(5 + payload.length);
  frame[0] = flags;
  frame.writeUInt32BE(payload.length, 1);
  frame.set(payload, 5);
  return frame;
}

/** One gRPC call over node:http2 with exactly these body bytes: for requests no well-behaved client would send. */
export function rawGrpcCall(baseUrl: string, path: string, body: Uint8Array, headers: Record<string, string> = {}): Promise<RawStatus> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(baseUrl);
    session.on("error", reject);
    const stream = session.request({ ":method": "POST", ":path": path, "content-type": "application/grpc+proto", te: "trailers", ...headers });
    let status: string | undefined;
    let message = "";
    const read = (h: http2.IncomingHttpHeaders) => {
      status = (h["grpc-status"] as string | undefined) ?? status;
      message = (h["grpc-message"] as string | undefined) ?? message;
    };
    stream.on("response", read);
    stream.on("trailers", read);
    stream.on("data", () => undefined);
    stream.on("error", reject);
    stream.on("close", () => {
      session.close();
      if (status === undefined) reject(new Error(`${path}: no grpc-status`));
      else resolve({ code: Number(status), message: decodeURIComponent(message) });
    });
    stream.end(body);
  });
}

/** One gRPC-web call (HTTP/1.1) with these body bytes; the status is in the trailer frame at the end of the body. */
export async function rawGrpcWebCall(baseUrl: string, path: string, body: Uint8Array): Promise<RawStatus> {
  const response = await fetch(baseUrl + path, { method: "POST", headers: { "content-type": "application/grpc-web+proto" }, body: new Uint8Array(body) });
  const bytes = Buffer.from(await response.arrayBuffer());
  let trailer = `grpc-status: ${response.headers.get("grpc-status") ?? ""}\r\ngrpc-message: ${response.headers.get("grpc-message") ?? ""}`;
  for (let at = 0; at + 5 <= bytes.length; at += 5 + bytes.readUInt32BE(at + 1)) {
    if (bytes[at]! & 0x80) trailer = bytes.subarray(at + 5, at + 5 + bytes.readUInt32BE(at + 1)).toString();
  }
  const field = (name: string) => new RegExp(`^${name}:\\s*(.*)$`, "mi").exec(trailer)?.[1]?.trim() ?? "";
  return { code: Number(field("grpc-status")), message: decodeURIComponent(field("grpc-message")) };
}
