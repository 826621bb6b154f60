import { Code, ConnectError } from "@connectrpc/connect";

/** An error as a node says it in its log and its reports: an RPC refusal by its code and the server's words. */
export function describeError(error: unknown): string {
  if (error instanceof ConnectError) return `${Code[error.code]}: ${error.rawMessage}`;
  return error instanceof Error ? error.message : String(error);
}
