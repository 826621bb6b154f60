import { type Code, ConnectError } from "@connectrpc/connect";

/** The gRPC code a call failed with; undefined when it succeeded. */
export async function codeOf(call: Promise<unknown>): Promise<Code | undefined> {
  try {
    await call;
    return undefined;
  } catch (error) {
    return ConnectError.from(error).code;
  }
}
