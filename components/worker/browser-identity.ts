import { fromBase64, generateKeyPair, identityFromKeyPair, toBase64, type NodeIdentity, type NodeWallet } from "../../lib/compute/identity";

declare global {
  interface Window {
    /** Set by the headless host, which keeps its slots' keys on disk and signs for the page. */
    cyxwizHostIdentity?: { publicKey: string; walletAddress?: string };
    cyxwizHostSign?: (messageBase64: string) => Promise<string>;
    cyxwizHostWalletSign?: (messageBase64: string) => Promise<string>;
  }
}

const DB = "cyxwiz-node";
const STORE = "identities";
const MAX_TABS = 32;

interface StoredIdentity {
  publicKey: string;
  /** Non-extractable: the page can sign with it but no script can read it out. */
  privateKey: CryptoKey;
  createdAt: number;
}

/**
 * This tab's node identity. A tab opened by the headless host signs through the host. Otherwise
 * the key pair lives in IndexedDB, so a returning tab is the same node; tabs open side by side
 * each take the first identity no other tab holds (a Web Lock per identity, held for the tab's
 * life), so two tabs are two nodes.
 */
export async function browserIdentity(): Promise<NodeIdentity> {
  const host = window.cyxwizHostIdentity;
  const hostSign = window.cyxwizHostSign;
  if (host && hostSign) {
    return { publicKey: host.publicKey, sign: async (message) => fromBase64(await hostSign(toBase64(message))) ?? new Uint8Array() };
  }
  if (!window.isSecureContext || !crypto.subtle) {
    throw new Error("this page must be served over HTTPS or from localhost: a node's identity needs the browser's WebCrypto");
  }
  const slot = await claimFreeSlot();
  const db = await openDatabase();
  const key = `node-${slot}`;
  const stored = await request(db.transaction(STORE).objectStore(STORE).get(key) as IDBRequest<StoredIdentity | undefined>);
  if (stored) return { publicKey: stored.publicKey, sign: async (message) => new Uint8Array(await crypto.subtle.sign("Ed25519", stored.privateKey, message)) };
  const keys = await generateKeyPair(false);
  const identity = await identityFromKeyPair(keys);
  const record: StoredIdentity = { publicKey: identity.publicKey, privateKey: keys.privateKey, createdAt: Date.now() };
  await request(db.transaction(STORE, "readwrite").objectStore(STORE).put(record, key));
  return identity;
}

/** The wallet a headless host lends its page (its --wallet), which signs through the host; a tab on its own has none yet. */
export function hostWallet(): NodeWallet | undefined {
  const address = window.cyxwizHostIdentity?.walletAddress;
  const walletSign = window.cyxwizHostWalletSign;
  if (!address || !walletSign) return undefined;
  return { address, sign: async (message) => fromBase64(await walletSign(toBase64(message))) ?? new Uint8Array() };
}

async function claimFreeSlot(): Promise<number> {
  if (!navigator.locks) return 1;
  for (let slot = 1; slot <= MAX_TABS; slot++) {
    if (await holdLock(`cyxwiz-node-identity-${slot}`)) return slot;
  }
  throw new Error(`${MAX_TABS} CyxWiz worker tabs are already open in this browser`);
}

/** Takes the lock if free and keeps it until the tab goes; false when another tab holds it. */
function holdLock(name: string): Promise<boolean> {
  return new Promise((resolve) => {
    void navigator.locks.request(name, { ifAvailable: true }, (lock) => {
      resolve(lock !== null);
      return lock ? new Promise<void>(() => undefined) : undefined;
    });
  });
}

function openDatabase(): Promise<IDBDatabase> {
  const open = indexedDB.open(DB, 1);
  open.onupgradeneeded = () => open.result.createObjectStore(STORE);
  return request(open);
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error("IndexedDB request failed"));
  });
}
