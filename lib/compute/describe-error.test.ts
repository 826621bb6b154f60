import { Code, ConnectError } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { describeError } from "./describe-error";

describe("describeError", () => {
  it("says an RPC refusal by its code and the server's words", () => {
    expect(describeError(new ConnectError("job token expired", Code.PermissionDenied))).toBe("PermissionDenied: job token expired");
  });

  it("says any other error by its message", () => {
    expect(describeError(new TypeError("fetch failed"))).toBe("fetch failed");
  });

  it("says a thrown value that is no error as text", () => {
    expect(describeError("gone")).toBe("gone");
  });
});
