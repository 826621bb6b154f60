import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseWorkerOptions, UsageError, workerPageUrl } from "./options";

describe("parseWorkerOptions", () => {
  it("defaults to the local server, the Engine beside it and automatic runtime", () => {
    expect(parseWorkerOptions([], {})).toEqual({
      server: "http://localhost:50051",
      engine: "http://localhost:3000",
      runtime: "auto",
      slots: 1,
      chromium: undefined,
      name: undefined,
      cacheDir: path.join(os.homedir(), ".cache", "cyxwiz"),
      identityDir: path.join(os.homedir(), ".config", "cyxwiz"),
      apiPort: 8000,
      cacheMaxBytes: 10 * 1024 ** 3,
    });
  });

  it("keeps node keys where --identity-dir, CYXWIZ_IDENTITY_DIR or XDG_CONFIG_HOME says", () => {
    expect(parseWorkerOptions(["--identity-dir", "/srv/keys"], { CYXWIZ_IDENTITY_DIR: "/elsewhere" })).toMatchObject({ identityDir: "/srv/keys" });
    expect(parseWorkerOptions([], { CYXWIZ_IDENTITY_DIR: "/elsewhere" })).toMatchObject({ identityDir: "/elsewhere" });
    expect(parseWorkerOptions([], { XDG_CONFIG_HOME: "/cfg" })).toMatchObject({ identityDir: "/cfg/cyxwiz" });
  });

  it("keeps datasets where --cache-dir or CYXWIZ_CACHE_DIR says", () => {
    expect(parseWorkerOptions(["--cache-dir", "/srv/cache"], { CYXWIZ_CACHE_DIR: "/elsewhere" })).toMatchObject({ cacheDir: "/srv/cache" });
    expect(parseWorkerOptions([], { CYXWIZ_CACHE_DIR: "/elsewhere" })).toMatchObject({ cacheDir: "/elsewhere" });
  });

  it("derives the Engine from the server's host", () => {
    expect(parseWorkerOptions(["--server", "http://gpu-box:50051"], {})).toMatchObject({ engine: "http://gpu-box:3000" });
  });

  it.each([
    [["--runtime", "cuda"], /--runtime/],
    [["--slots", "0"], /--slots/],
    [["--api-port", "http"], /--api-port/],
    [["--cache-max-gb", "0"], /--cache-max-gb/],
    [["--server", "not a url"], /--server/],
  ])("rejects %o", (argv, message) => {
    expect(() => parseWorkerOptions(argv, {})).toThrow(UsageError);
    expect(() => parseWorkerOptions(argv, {})).toThrow(message);
  });

  it("opens the worker page with its server and autostart", () => {
    const options = parseWorkerOptions(["--server", "http://s:50051", "--name", "gpu"], {});
    if (options === "help") throw new Error("unexpected help");
    const url = new URL(workerPageUrl(options));
    expect(url.pathname).toBe("/worker");
    expect(Object.fromEntries(url.searchParams)).toEqual({ server: "http://s:50051", autostart: "1", name: "gpu" });
  });
});
