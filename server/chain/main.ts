import { parseArgs } from "node:util";
import { startEmbeddedChain } from "./embedded-chain";

// The embedded chain as a process of its own (`node --import tsx server/chain/main.ts --port 8899
// --dir data/chain`), for tests that must reach it the way they would reach a cluster.
const { values } = parseArgs({ options: { port: { type: "string", default: "0" }, dir: { type: "string" }, host: { type: "string", default: "127.0.0.1" }, "slot-ms": { type: "string" } } });
const chain = await startEmbeddedChain({ dir: values.dir, host: values.host, port: Number(values.port), slotMs: values["slot-ms"] ? Number(values["slot-ms"]) : undefined });
// The one line a parent process waits for.
console.log(JSON.stringify({ url: chain.url }));
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => void chain.stop().then(() => process.exit(0)));
}
