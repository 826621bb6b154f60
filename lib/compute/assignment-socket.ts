import { fromJson, type JsonValue } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { codeFromString } from "@connectrpc/connect/protocol-connect";
import { io } from "socket.io-client";
import { WatchAssignmentsResponseSchema, type WatchAssignmentsResponse } from "../../gen/cyxwiz/v1/node_service_pb";
import { ASSIGNMENT_EVENT, SOCKET_PATH, WATCH_ASSIGNMENTS, type WatchAssignmentsAck } from "../wire/socket";

/** socket.io could not connect at all (a proxy that blocks it, say): the node listens on the RPC stream instead. */
export class SocketUnreachable extends Error {}

/** How long connecting, and then the server's answer to watch-assignments, may take. */
const CONNECT_TIMEOUT_MS = 10_000;

/**
 * A node's WatchAssignments messages over its socket.io connection, as the RPC stream would
 * yield them. Refusals are ConnectErrors with the code the RPC would have used (a session token
 * refused at connect is UNAUTHENTICATED), so the agent renews its session the same way; a socket
 * lost after connecting is UNAVAILABLE. Ends without error when the signal aborts.
 */
export async function* socketAssignments(serverUrl: string, token: string, signal: AbortSignal): AsyncGenerator<WatchAssignmentsResponse> {
  if (signal.aborted) return;
  // The agent reconnects with its own backoff (and registers again if need be), not socket.io.
  const socket = io(serverUrl, { path: SOCKET_PATH, auth: { token }, reconnection: false, timeout: CONNECT_TIMEOUT_MS });
  const inbox: WatchAssignmentsResponse[] = [];
  /** Why the feed ended: an error, or null for the signal. */
  let ended: Error | null | undefined;
  let wake = () => {};
  const end = (reason: Error | null) => {
    ended ??= reason;
    wake();
  };
  socket.on(ASSIGNMENT_EVENT, (json: JsonValue) => {
    inbox.push(fromJson(WatchAssignmentsResponseSchema, json));
    wake();
  });
  socket.on("connect_error", (error: Error & { data?: { code?: string } }) => {
    const code = error.data?.code && codeFromString(error.data.code);
    end(code ? new ConnectError(error.message, code) : new SocketUnreachable(error.message));
  });
  socket.on("disconnect", (reason) => end(new ConnectError(`socket.io disconnected: ${reason}`, Code.Unavailable)));
  socket.on("connect", () => {
    socket
      .timeout(CONNECT_TIMEOUT_MS)
      .emitWithAck(WATCH_ASSIGNMENTS)
      .then((ack: WatchAssignmentsAck) => {
        if (!ack.ok) end(new ConnectError(ack.error, codeFromString(ack.code) ?? Code.Unknown));
      })
      .catch(() => end(new ConnectError(`socket.io: no answer to ${WATCH_ASSIGNMENTS} within ${CONNECT_TIMEOUT_MS} ms`, Code.Unavailable)));
  });
  const onAbort = () => end(null);
  signal.addEventListener("abort", onAbort);
  try {
    while (true) {
      const message = inbox.shift();
      if (message) {
        yield message;
        continue;
      }
      if (ended !== undefined) {
        if (ended) throw ended;
        return;
      }
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    signal.removeEventListener("abort", onAbort);
    socket.disconnect();
  }
}
