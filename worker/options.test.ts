import { generateKeyPairSync, verify, type KeyObject } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { getBase58Decoder } from "@solana/kit";
import { afterAll, describe, expect, it } from "vitest";
import { parseWorkerOptions, UsageError, workerPageUrl } from "./options";
import { readWalletFile } from "./wallet-file";

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

describe("--wallet", () => {
  const dirs: string[] = [];
  const tempDir = async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "cyxwiz-wallet-"));
    dirs.push(dir);
    return dir;
  };
  afterAll(async () => {
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it("names the keypair file the host is paid into", () => {
    expect(parseWorkerOptions(["--wallet", "/keys/payout.json"], {})).toMatchObject({ wallet: "/keys/payout.json" });
    expect(parseWorkerOptions([], {})).toMatchObject({ wallet: undefined });
    expect(() => parseWorkerOptions(["--wallet", ""], {})).toThrow(UsageError);
  });

  it("reads a Solana CLI keypair file into a wallet that signs as its address", async () => {
    const dir = await tempDir();
    const { privateKey, publicKey } = generateKeyPairSync("ed25519");
    const raw = (key: KeyObject, part: "d" | "x") => [...Buffer.from(key.export({ format: "jwk" })[part] as string, "base64url")];
    const file = path.join(dir, "wallet.json");
    await writeFile(file, JSON.stringify([...raw(privateKey, "d"), ...raw(publicKey, "x")]));
    const wallet = await readWalletFile(file);
    expect(wallet.address).toBe(getBase58Decoder().decode(Uint8Array.from(raw(publicKey, "x"))));
    const message = new TextEncoder().encode("hello");
    expect(verify(null, message, publicKey, await wallet.sign(message))).toBe(true);
  });

  it("refuses, in plain words, a file that is missing or is not a keypair file", async () => {
    const dir = await tempDir();
    const missing = path.join(dir, "missing.json");
    await expect(readWalletFile(missing)).rejects.toThrow(new UsageError(`--wallet: cannot read ${missing} (no such file)`));
    for (const [name, text] of [
      ["text.json", "not json"],
      ["short.json", "[1,2,3]"],
      ["mismatched.json", JSON.stringify(Array.from({ length: 64 }, (_, i) => i))],
    ]) {
      const file = path.join(dir, name as string);
      await writeFile(file, text as string);
      await expect(readWalletFile(file)).rejects.toThrow(UsageError);
      await expect(readWalletFile(file)).rejects.toThrow(`--wallet: ${file} is not a keypair file`);
    }
  });
});
