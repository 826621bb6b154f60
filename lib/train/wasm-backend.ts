import type * as tfjs from "@tensorflow/tfjs";
import { bridgeMissingKernels } from "./kernel-bridge";
import { registerWasmTrainingKernels } from "./wasm-kernels";

/**
 * Makes the wasm backend able to train every layer of the registry: fast kernels where tfjs lacks
 * one on a hot path, cpu reference kernels for the rest. Call once after importing
 * @tensorflow/tfjs-backend-wasm.
 */
export function completeWasmBackend(tf: typeof tfjs): void {
  registerWasmTrainingKernels(tf);
  bridgeMissingKernels(tf, "wasm");
}
