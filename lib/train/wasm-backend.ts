import type * as tfjs from "@tensorflow/tfjs";
import { bridgeMissingKernels } from "./kernel-bridge";
import { installWasmConvGradient } from "./wasm-gradients";

/**
 * Makes the wasm backend able to train every layer of the registry: fast paths where tfjs lacks
 * a kernel on a hot path, cpu reference kernels for the rest. Call once after importing
 * @tensorflow/tfjs-backend-wasm.
 */
export function completeWasmBackend(tf: typeof tfjs): void {
  installWasmConvGradient(tf);
  bridgeMissingKernels(tf, "wasm");
}
