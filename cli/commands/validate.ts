import { readFile } from "node:fs/promises";
import { loadDocument, toExecutionGraph } from "../../lib/editor/document";
import { prepareGraph } from "../../lib/graph/prepare";
import { formatShape } from "../../lib/graph/types";
import { EXIT } from "../exit-codes";
import type { Output } from "../output";

/** Checks a graph file without any server: the same analysis the server runs on submission. Editor documents are read too. */
export async function validateCommand(file: string | undefined, out: Output): Promise<number> {
  if (!file) {
    out.error("usage: cyxwiz validate <graph.json> [--json]");
    return EXIT.invalid;
  }
  let text: string;
  try {
    text = file === "-" ? await readStdin() : await readFile(file, "utf8");
  } catch (error) {
    out.error(`cannot read ${file}: ${(error as Error).message}`);
    return EXIT.invalid;
  }
  const document = loadDocument(text);
  const { analysis, issues } = prepareGraph(document.ok ? toExecutionGraph(document.document) : text);
  const layers = (analysis?.nodes ?? []).map((n) => ({ id: n.node.id, type: n.node.type, outputShape: n.outputShape ?? null, params: n.paramCount, flops: n.flops }));
  if (out.json) {
    out.print(JSON.stringify({ valid: issues.length === 0, issues, layers, totalParams: analysis?.totalParams ?? 0, totalFlops: analysis?.totalFlops ?? 0 }, null, 2));
  } else {
    for (const layer of layers) {
      out.print(
        `${layer.id.padEnd(20)} ${layer.type.padEnd(18)} ${(layer.outputShape ? formatShape(layer.outputShape) : "?").padEnd(16)} ${String(layer.params).padStart(9)} params ${String(layer.flops).padStart(12)} FLOPs`,
      );
    }
    if (analysis) out.print(`total: ${analysis.totalParams} trainable parameters, ${analysis.totalFlops} FLOPs per sample`);
    for (const issue of issues) out.error(`error: ${issue.message}`);
    out.print(issues.length === 0 ? "valid" : `invalid: ${issues.length} problem${issues.length > 1 ? "s" : ""}`);
  }
  return issues.length === 0 ? EXIT.ok : EXIT.invalid;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
