import type { NodeRow } from "../../server/nodes/node-store";

/** The clock pure node-selection tests run at. */
export const NOW = Date.parse("2026-11-27T12:00:00Z");

let count = 0;

/** A node row as the database would hold it (online and connected, idle, wasm, mid reputation), with `over` applied. */
export function nodeRow(over: Partial<NodeRow>): NodeRow {
  count++;
  return {
    id: `n${count}`,
    name: `node ${count}`,
    status: "IDLE",
    lastSeen: new Date(NOW - 1000),
    backend: "wasm",
    devices: [{ deviceType: 1, selected: true }],
    ramTotal: 8_000_000_000n,
    computeScore: 30,
    reputation: 50,
    region: null,
    bannedUntil: null,
    feedOpen: true,
    ...over,
  } as NodeRow;
}
