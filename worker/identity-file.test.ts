import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { registrationMessage, verifySignature } from "../lib/compute/identity";
import { claimIdentity } from "./identity-file";

describe("node identity files", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "cyxwiz-identity-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("is the same identity after the host restarts", async () => {
    const first = await claimIdentity(dir);
    await first.release();
    const again = await claimIdentity(dir);
    expect(again.identity.publicKey).toBe(first.identity.publicKey);
    expect(again.file).toBe(first.file);
    const message = registrationMessage("c", again.identity.publicKey);
    expect(await verifySignature(first.identity.publicKey, message, await again.identity.sign(message))).toBe(true);
  });

  it("gives a second host running beside the first its own identity", async () => {
    const first = await claimIdentity(dir);
    const second = await claimIdentity(dir);
    expect(second.identity.publicKey).not.toBe(first.identity.publicKey);
    expect(path.basename(second.file)).toBe("node-2.key");
  });

  it("takes over a lock left by a process that is gone", async () => {
    const first = await claimIdentity(dir);
    await writeFile(`${first.file}.lock`, "999999999");
    expect((await claimIdentity(dir)).identity.publicKey).toBe(first.identity.publicKey);
  });

  it("keeps the private key readable by its owner only", async () => {
    const { file } = await claimIdentity(dir);
    expect((await stat(file)).mode & 0o077).toBe(0);
    expect(JSON.parse(await readFile(file, "utf8"))).toMatchObject({ format: "cyxwiz.node-identity", version: 1 });
  });

  it("refuses a file that is not an identity, naming it, and leaves it alone", async () => {
    await writeFile(path.join(dir, "node-1.key"), "not json");
    await expect(claimIdentity(dir)).rejects.toThrow(/node-1\.key is not a CyxWiz node identity/);
    expect(await readFile(path.join(dir, "node-1.key"), "utf8")).toBe("not json");
  });
});
