import { describe, expect, it } from "vitest";
import { describeFailure, ServerError } from "./api";

describe("describeFailure", () => {
  it("names the socket's reason for a refused or unresolved connection", () => {
    expect(describeFailure(new TypeError("fetch failed", { cause: Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }) }))).toBe("ECONNREFUSED");
    expect(describeFailure(new TypeError("fetch failed", { cause: new Error("other side closed") }))).toBe("other side closed");
  });

  it("says a request timed out", () => {
    expect(describeFailure(new DOMException("The operation timed out.", "TimeoutError"))).toBe("no answer within 5 s");
  });

  it("passes the server's own complaint through", () => {
    expect(describeFailure(new ServerError("GET /api/v1/nodes: HTTP 500"))).toBe("GET /api/v1/nodes: HTTP 500");
    expect(describeFailure("odd")).toBe("odd");
  });
});
