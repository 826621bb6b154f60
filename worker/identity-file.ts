import { mkdir, open, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { identityFromKeyPair, type NodeIdentity, generateKeyPair } from "../lib/compute/identity";

const FORMAT = "cyxwiz.node-identity";

interface IdentityFile {
  format: typeof FORMAT;
  version: 1;
  publicKey: string;
  privateKey: JsonWebKey;
}

export interface ClaimedIdentity {
  identity: NodeIdentity;
  file: string;
  release(): Promise<void>;
}

/**
 * The first node identity in `dir` that no running process holds (node-1.key, node-2.key, …),
 * created when there is none, and locked (a .lock file naming this process) until released.
 * A host restarted on the same machine is therefore the same node, and two hosts side by side
 * are two nodes rather than one identity shared. Keys are written owner-only.
 */
export async function claimIdentity(dir: string, maxSlots = 64): Promise<ClaimedIdentity> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  for (let slot = 1; slot <= maxSlots; slot++) {
    const file = path.join(dir, `node-${slot}.key`);
    const lock = `${file}.lock`;
    if (!(await takeLock(lock))) continue;
    try {
      return { identity: await loadOrCreate(file), file, release: () => rm(lock, { force: true }) };
    } catch (error) {
      await rm(lock, { force: true });
      throw error;
    }
  }
  throw new Error(`every node identity in ${dir} is in use by a running process (${maxSlots} of them)`);
}

async function takeLock(lock: string): Promise<boolean> {
  for (let tries = 0; tries < 2; tries++) {
    try {
      const handle = await open(lock, "wx", 0o600);
      await handle.writeFile(String(process.pid));
      await handle.close();
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = Number((await readFile(lock, "utf8").catch(() => "")).trim());
      if (isRunning(holder)) return false;
      // A lock left by a process that died without releasing it.
      await rm(lock, { force: true });
    }
  }
  return false;
}

function isRunning(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function loadOrCreate(file: string): Promise<NodeIdentity> {
  const text = await readFile(file, "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return undefined;
    throw error;
  });
  if (text === undefined) {
    const keys = await generateKeyPair(true);
    const identity = await identityFromKeyPair(keys);
    const stored: IdentityFile = { format: FORMAT, version: 1, publicKey: identity.publicKey, privateKey: await crypto.subtle.exportKey("jwk", keys.privateKey) };
    await writeFile(file, `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600, flag: "wx" });
    return identity;
  }
  let stored: IdentityFile;
  try {
    stored = JSON.parse(text) as IdentityFile;
  } catch {
    throw new Error(`${file} is not a CyxWiz node identity (not JSON); move it away to start as a new node`);
  }
  if (stored.format !== FORMAT || stored.version !== 1 || !stored.privateKey?.x) {
    throw new Error(`${file} is not a CyxWiz node identity (format ${FORMAT} version 1); move it away to start as a new node`);
  }
  const privateKey = await crypto.subtle.importKey("jwk", stored.privateKey, { name: "Ed25519" }, false, ["sign"]);
  const publicKey = await crypto.subtle.importKey("jwk", { kty: "OKP", crv: "Ed25519", x: stored.privateKey.x }, { name: "Ed25519" }, true, ["verify"]);
  return identityFromKeyPair({ privateKey, publicKey });
}
