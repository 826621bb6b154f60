import { CODEGEN_TARGETS, CodegenError, generateCode, type CodegenTarget } from "../../lib/codegen";
import { EXIT } from "../exit-codes";
import { readGraphSource } from "../graph-source";
import type { Output } from "../output";

/** Prints the model as PyTorch, Keras or TensorFlow.js source. */
export async function codegenCommand(source: string | undefined, target: string | undefined, out: Output): Promise<number> {
  if (!source || !target || !(target in CODEGEN_TARGETS)) {
    out.error(`usage: cyxwiz codegen --target ${Object.keys(CODEGEN_TARGETS).join("|")} <graph.json|template-id>`);
    return EXIT.invalid;
  }
  const graph = await readGraphSource(source);
  if (!graph.ok) {
    out.error(graph.message);
    return EXIT.invalid;
  }
  try {
    out.print(generateCode(graph.graph, target as CodegenTarget));
    return EXIT.ok;
  } catch (error) {
    if (!(error instanceof CodegenError)) throw error;
    out.error(error.message);
    return EXIT.invalid;
  }
}
