// The page of `npm run bench -- training` that measures tfjs's browser backends: bench/training.ts
// bundles this file, serves it with the tfjs wasm binaries and the dataset, and calls
// window.cyxwizBench from Playwright.
import "@tensorflow/tfjs-backend-webgpu";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { decodeDataset, type Dataset } from "../lib/data/dataset-format";
import { webgpuAdapterInfo } from "../lib/train/backend-probe";
import { tf } from "../lib/train/runtime-tf";
import { timeEpochs, type EpochRequest, type EpochTimes } from "./training-measure";

setWasmPaths("/tfjs/");

let dataset: Promise<Dataset> | undefined;

async function run(backend: string, request: EpochRequest): Promise<EpochTimes | { unavailable: string }> {
  dataset ??= fetch("/dataset.cxds").then(async (r) => decodeDataset(new Uint8Array(await r.arrayBuffer())));
  if (!(await tf.setBackend(backend).catch(() => false))) return { unavailable: `tfjs could not initialise ${backend} in this browser` };
  await tf.ready();
  return timeEpochs(tf, await dataset, request, (line) => console.log(`${backend}: ${line}`));
}

Object.assign(globalThis, { cyxwizBench: run, cyxwizAdapter: webgpuAdapterInfo });
