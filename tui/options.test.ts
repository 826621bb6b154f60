import { describe, expect, it } from "vitest";
import { parseTuiOptions, UsageError } from "./options";

describe("parseTuiOptions", () => {
  it("defaults to the local REST port every 2 seconds", () => {
    expect(parseTuiOptions([], {})).toEqual({ server: "http://localhost:8080", intervalMs: 2000 });
  });

  it("prefers --server, then CYXWIZ_HTTP_URL, then CYXWIZ_SERVER_URL", () => {
    const env = { CYXWIZ_HTTP_URL: "http://rest:8080", CYXWIZ_SERVER_URL: "http://rpc:50051" };
    expect(parseTuiOptions(["--server", "http://flag:1/"], env)).toMatchObject({ server: "http://flag:1" });
    expect(parseTuiOptions(["--server=http://flag:2"], env)).toMatchObject({ server: "http://flag:2" });
    expect(parseTuiOptions([], env)).toMatchObject({ server: "http://rest:8080" });
    expect(parseTuiOptions([], { CYXWIZ_SERVER_URL: "http://rpc:50051" })).toMatchObject({ server: "http://rpc:50051" });
  });

  it("reads the interval in seconds", () => {
    expect(parseTuiOptions(["--interval", "0.5"], {})).toMatchObject({ intervalMs: 500 });
  });

  it("answers help", () => {
    expect(parseTuiOptions(["--help"], {})).toBe("help");
    expect(parseTuiOptions(["-h"], {})).toBe("help");
  });

  it("refuses what it cannot use, saying what was wrong", () => {
    expect(() => parseTuiOptions(["--server", "localhost:8080"], {})).toThrow(UsageError);
    expect(() => parseTuiOptions(["--server", "not a url"], {})).toThrow(/--server/);
    expect(() => parseTuiOptions(["--interval", "0"], {})).toThrow(/--interval/);
    expect(() => parseTuiOptions(["--interval", "soon"], {})).toThrow(/--interval/);
    expect(() => parseTuiOptions(["--colour"], {})).toThrow(UsageError);
    expect(() => parseTuiOptions(["extra"], {})).toThrow(UsageError);
  });
});
