import type { ModelGraph } from "../graph/types";
import type { CodegenTraining } from "./plan";
import { generateKeras } from "./keras";
import { generatePytorch } from "./pytorch";
import { generateTfjs } from "./tfjs";

export { CodegenError } from "./plan";

export const CODEGEN_TARGETS = {
  pytorch: { label: "PyTorch", extension: "py", generate: generatePytorch },
  keras: { label: "Keras (TensorFlow)", extension: "py", generate: generateKeras },
  tfjs: { label: "TensorFlow.js", extension: "mjs", generate: generateTfjs },
} as const;

export type CodegenTarget = keyof typeof CODEGEN_TARGETS;

/** Source code for the graph in one framework. Throws CodegenError for an invalid graph. */
export function generateCode(graph: ModelGraph, target: CodegenTarget, training?: CodegenTraining): string {
  return CODEGEN_TARGETS[target].generate(graph, training);
}
