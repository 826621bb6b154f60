import type { DescMessage, MessageShape } from "@bufbuild/protobuf";
import { toBinary } from "@bufbuild/protobuf";
import type { HandlerContext } from "@connectrpc/connect";
import { createHash } from "node:crypto";
import type { Idempotency } from "../jobs/sql/create-job";
import { IDEMPOTENCY_HEADER } from "../../lib/wire/headers";
import { invalidArgument } from "./errors";

const KEY = /^[\x21-\x7e]{1,255}$/;

/**
 * The call's idempotency key with the SHA-256 of its request, or undefined when the caller sent
 * none. A key is 1–255 printable ASCII characters (a UUID, say); anything else is refused.
 */
export function idempotencyOf<Desc extends DescMessage>(hctx: HandlerContext, schema: Desc, request: MessageShape<Desc>): Idempotency | undefined {
  const key = hctx.requestHeader.get(IDEMPOTENCY_HEADER);
  if (key === null) return undefined;
  if (!KEY.test(key)) throw invalidArgument(IDEMPOTENCY_HEADER, "must be 1 to 255 printable ASCII characters without spaces (a UUID, say)");
  return { key, requestSha256: createHash("sha256").update(toBinary(schema, request)).digest("hex") };
}
