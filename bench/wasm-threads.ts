import { mkdtempSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import type * as tfjs from "@tensorflow/tfjs";
import { getThreadsCount, setThreadsCount } from "@tensorflow/tfjs-backend-wasm";

/**
 * Starts tfjs-backend-wasm 4.22's threaded SIMD build in Node with `threads` XNNPACK threads, for
 * the benchmark only (compute nodes run the single-threaded build). Three things stop it as
 * shipped, each worked around for the duration of the backend's start:
 * - the `WASM_HAS_MULTITHREAD_SUPPORT` flag is hard-wired to false in Node (tfjs issue 3830);
 * - the pthread workers are started from a `blob:` URL and told to import the main script from a
 *   Blob, and Node's worker_threads take neither: the worker script goes to a temporary file that
 *   imports the shipped main script from its path instead;
 * - the C++ side caps the pool at half of `os.cpus().length` (it assumes two hyper-threads per
 *   core), so a 2-core machine would get one thread: the cores are reported twice while it starts.
 * Returns the thread count XNNPACK actually uses. Call before anything else uses tfjs.
 */
export async function startThreadedWasm(tf: typeof tfjs, threads: number): Promise<number> {
  const require = createRequire(import.meta.url);
  const wasmOut = path.join(path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm/package.json")), "wasm-out");
  const { wasmWorkerContents } = require(path.join(wasmOut, "tfjs-backend-wasm-threaded-simd.worker.js")) as { wasmWorkerContents: string };
  const mainScript = path.join(wasmOut, "tfjs-backend-wasm-threaded-simd.js");
  const importMain = 'if(typeof e.data.urlOrBlob=="string"){importScripts(e.data.urlOrBlob)}';
  if (!wasmWorkerContents.includes(importMain)) throw new Error("tfjs-backend-wasm's pthread worker changed: bench/wasm-threads.ts no longer applies");
  const workerFile = path.join(mkdtempSync(path.join(os.tmpdir(), "cyxwiz-wasm-threads-")), "worker.js");
  // tfjs escapes the newlines inside the worker's string literals the same way before making its Blob.
  writeFileSync(workerFile, wasmWorkerContents.replace(/\n/g, "\\n").replace(importMain, `if(true){importScripts(${JSON.stringify(mainScript)})}`));

  const { createObjectURL } = URL;
  const { cpus } = os;
  URL.createObjectURL = (blob: Blob) => (blob.type === "application/javascript" ? workerFile : createObjectURL(blob));
  os.cpus = () => [...cpus(), ...cpus()];
  try {
    tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", true);
    setThreadsCount(threads);
    if (!(await tf.setBackend("wasm"))) throw new Error("the threaded wasm backend did not start");
    await tf.ready();
  } finally {
    URL.createObjectURL = createObjectURL;
    os.cpus = cpus;
  }
  return getThreadsCount();
}
