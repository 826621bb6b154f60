import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { completeWasmBackend } from "./wasm-backend";

/**
 * The tfjs instance a training runtime uses: the union package (cpu, webgl) plus a wasm backend
 * that can train every registered layer. Browsers add WebGPU on top (see the worker entry).
 * PROD silences tfjs's console advice and debug checks.
 */
tf.env().set("PROD", true);
completeWasmBackend(tf);

export { tf };
