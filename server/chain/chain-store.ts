import { closeSync, fdatasyncSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync, writeSync, existsSync } from "node:fs";
import path from "node:path";
import type { TransactionErrorJson } from "./tx-error";

/** An account as kept on disk (LiteSVM 1.4.1 has no snapshot of its own: we keep the accounts our transactions touched). */
export interface StoredAccount {
  address: string;
  lamports: string;
  owner: string;
  /** Base64. */
  data: string;
  executable: boolean;
}

/** A transaction the chain executed, as `getTransaction` and `getSignatureStatuses` report it. */
export interface StoredRecord {
  signature: string;
  slot: number;
  /** Unix seconds. */
  blockTime: number;
  err: TransactionErrorJson | null;
  logs: string[];
  fee: string;
  unitsConsumed: string;
  /** The wire transaction, base64. */
  wire: string;
  preBalances: string[];
  postBalances: string[];
}

export interface Snapshot {
  format: "cyxwiz.chain";
  version: 1;
  genesisHash: string;
  /** The last journal entry the snapshot includes. */
  seq: number;
  slot: number;
  /** When it was written (ms): the chain's clock runs on while it is stopped. */
  at: number;
  accounts: StoredAccount[];
  records: StoredRecord[];
}

/** One executed transaction: what it did to the accounts it named, after it. */
export interface JournalEntry {
  seq: number;
  at: number;
  slot: number;
  record: StoredRecord;
  accounts: StoredAccount[];
}

/**
 * The embedded chain's state on disk: a snapshot (written whole to a temporary file, synced, then
 * renamed over the old one) and a journal of the transactions executed since, one JSON line each,
 * appended and synced before the transaction's signature is answered. A signature the chain has
 * given out therefore survives a crash; a line torn by one is a transaction no one heard of, which
 * its sender sees expire, as on a cluster that dropped it.
 */
export class ChainStore {
  private readonly snapshotFile: string;
  private readonly journalFile: string;
  private journal: number | undefined;

  constructor(dir: string) {
    mkdirSync(dir, { recursive: true });
    this.snapshotFile = path.join(dir, "snapshot.json");
    this.journalFile = path.join(dir, "journal.jsonl");
  }

  load(): { snapshot?: Snapshot; entries: JournalEntry[] } {
    const snapshot = existsSync(this.snapshotFile) ? (JSON.parse(readFileSync(this.snapshotFile, "utf8")) as Snapshot) : undefined;
    if (snapshot && (snapshot.format !== "cyxwiz.chain" || snapshot.version !== 1)) throw new Error(`${this.snapshotFile} is not a chain snapshot this version can read`);
    const lines = existsSync(this.journalFile) ? readFileSync(this.journalFile, "utf8").split("\n") : [];
    const entries: JournalEntry[] = [];
    lines.forEach((line, i) => {
      if (!line) return;
      try {
        entries.push(JSON.parse(line) as JournalEntry);
      } catch (error) {
        const last = lines.slice(i + 1).every((rest) => rest === "");
        if (!last) throw new Error(`${this.journalFile} line ${i + 1} is damaged`, { cause: error });
      }
    });
    return { snapshot, entries: entries.filter((e) => e.seq > (snapshot?.seq ?? 0)) };
  }

  append(entry: JournalEntry): void {
    this.journal ??= openSync(this.journalFile, "a", 0o600);
    writeSync(this.journal, JSON.stringify(entry) + "\n");
    fdatasyncSync(this.journal);
  }

  /** Replaces the snapshot, then empties the journal it now includes (entries are numbered, so a crash between the two repeats nothing). */
  writeSnapshot(snapshot: Snapshot): void {
    const temporary = `${this.snapshotFile}.tmp`;
    writeFileSync(temporary, JSON.stringify(snapshot), { mode: 0o600, flush: true });
    renameSync(temporary, this.snapshotFile);
    this.close();
    writeFileSync(this.journalFile, "", { mode: 0o600, flush: true });
  }

  close(): void {
    if (this.journal !== undefined) closeSync(this.journal);
    this.journal = undefined;
  }
}
