import path from "node:path";
import { inspect } from "node:util";
import type { Address, KeyPairSigner } from "@solana/kit";
import { loadOrCreateKeypairFile, readKeypairFile } from "./keypair-file";

/**
 * The platform's escrow key: the base of every job's escrow address and the only signer that can move
 * what is in one. Its secret lives in a WebCrypto key that cannot be exported; this object's string,
 * JSON and inspected forms name only the public address, so logging it (or a structure holding it)
 * reveals nothing.
 */
export class PlatformKey {
  private constructor(
    private readonly key: KeyPairSigner,
    /** Where platform fees go. */
    readonly treasury: Address,
    /** The keypair file it was read from. */
    readonly file: string,
  ) {}

  /**
   * The key in `keyFile` (Solana CLI format, as `solana-keygen new` writes), or, for the embedded
   * default, the one generated once into `<dataDir>/payments/escrow-key.json` (mode 0600).
   */
  static async load(options: { keyFile?: string; dataDir: string; treasury?: Address }): Promise<PlatformKey> {
    const file = options.keyFile ?? path.join(options.dataDir, "payments", "escrow-key.json");
    const key = options.keyFile ? await readKeypairFile(file) : await loadOrCreateKeypairFile(file);
    return new PlatformKey(key, options.treasury ?? key.address, file);
  }

  get address(): Address {
    return this.key.address;
  }

  /** For signing the platform's transactions; nothing else should hold it. */
  get signer(): KeyPairSigner {
    return this.key;
  }

  toString(): string {
    return `PlatformKey(${this.key.address})`;
  }

  toJSON(): { address: Address; treasury: Address } {
    return { address: this.key.address, treasury: this.treasury };
  }

  [inspect.custom](): string {
    return this.toString();
  }
}
