import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PlatformKey } from "./platform-key";

describe("PlatformKey", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "cyxwiz-key-"));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("is generated once into the data directory, owner-only, and is the same key on the next start", async () => {
    const first = await PlatformKey.load({ dataDir: dir });
    const file = path.join(dir, "payments", "escrow-key.json");
    expect(first.file).toBe(file);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(file, "utf8"))).toHaveLength(64);
    expect((await PlatformKey.load({ dataDir: dir })).address).toBe(first.address);
    expect(first.treasury).toBe(first.address);
  });

  it("reads a configured Solana CLI keypair file, whose last 32 bytes are the address", async () => {
    const bytes = JSON.parse(await readFile(path.join(dir, "payments", "escrow-key.json"), "utf8")) as number[];
    const file = path.join(dir, "configured.json");
    await writeFile(file, JSON.stringify(bytes));
    const key = await PlatformKey.load({ keyFile: file, dataDir: path.join(dir, "unused"), treasury: "11111111111111111111111111111111" as never });
    expect(key.address).toBe((await PlatformKey.load({ dataDir: dir })).address);
    expect(key.treasury).toBe("11111111111111111111111111111111");
  });

  it("refuses a file that is not a keypair, naming it", async () => {
    const file = path.join(dir, "bad.json");
    await writeFile(file, "[1,2,3]");
    await expect(PlatformKey.load({ keyFile: file, dataDir: dir })).rejects.toThrow(`${file} is not a keypair file: expected a JSON array of 64 bytes`);
    await expect(PlatformKey.load({ keyFile: path.join(dir, "missing.json"), dataDir: dir })).rejects.toThrow("cannot read the keypair file");
  });

  it("shows only its address when logged, stringified or inspected", async () => {
    const key = await PlatformKey.load({ dataDir: dir });
    const secret = (JSON.parse(await readFile(key.file, "utf8")) as number[]).slice(0, 32);
    const forms = [String(key), JSON.stringify(key), JSON.stringify({ nested: { key } }), inspect(key), inspect({ key }, { depth: 10 })];
    for (const form of forms) {
      expect(form).toContain(key.address);
      expect(form).not.toContain(secret.join(","));
      expect(form).not.toContain(Buffer.from(secret).toString("base64"));
    }
    expect(JSON.parse(JSON.stringify(key))).toEqual({ address: key.address, treasury: key.treasury });
  });
});
