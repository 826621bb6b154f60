// Runs after `npm install`: generates the Prisma client and copies tfjs's wasm binaries and
// Monaco's editor where the browser can load them (from this server, never a CDN). Offline-safe: Prisma's CLI wants to download a schema engine it does
// not need for `generate`, so it is pointed at a stand-in executable (see docs/DEVELOPMENT.md).
import { execFileSync } from "node:child_process";
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import path from "node:path";

const root = path.dirname(path.dirname(new URL(import.meta.url).pathname));
const bin = (name) => path.join(root, "node_modules", ".bin", name);

const env = { ...process.env };
if (!env.PRISMA_SCHEMA_ENGINE_BINARY) env.PRISMA_SCHEMA_ENGINE_BINARY = process.execPath;
execFileSync(bin("prisma"), ["generate"], { cwd: root, env, stdio: "inherit" });

const wasmSource = path.join(root, "node_modules", "@tensorflow", "tfjs-backend-wasm", "dist");
const wasmTarget = path.join(root, "public", "tfjs");
mkdirSync(wasmTarget, { recursive: true });
for (const file of readdirSync(wasmSource).filter((f) => f.endsWith(".wasm"))) {
  copyFileSync(path.join(wasmSource, file), path.join(wasmTarget, file));
}
if (!existsSync(path.join(wasmTarget, "tfjs-backend-wasm-simd.wasm"))) throw new Error("tfjs wasm binaries were not copied");
// The Script Editor loads Monaco's AMD build lazily from /monaco/vs when it is first opened.
const monacoTarget = path.join(root, "public", "monaco", "vs");
rmSync(monacoTarget, { recursive: true, force: true });
cpSync(path.join(root, "node_modules", "monaco-editor", "min", "vs"), monacoTarget, { recursive: true });
if (!existsSync(path.join(monacoTarget, "loader.js"))) throw new Error("Monaco was not copied");
console.log("postinstall: Prisma client generated, tfjs wasm binaries in public/tfjs/, Monaco in public/monaco/");
