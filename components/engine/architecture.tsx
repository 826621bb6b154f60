import { analyzeGraph } from "../../lib/graph/analyze";
import { formatShape, type ModelGraph } from "../../lib/graph/types";

/** The layers of a graph in order, with their output shapes and parameter counts. */
export function Architecture({ graph }: { graph: ModelGraph }) {
  const analysis = analyzeGraph(graph);
  return (
    <>
      <ol className="layers" aria-label={`Layers of ${graph.name ?? "the model"}`}>
        {analysis.nodes.map((n) => (
          <li key={n.node.id}>
            <span>
              {n.layer.label}
              {describeParams(n.params)}
            </span>
            <span>
              {n.outputShape ? formatShape(n.outputShape) : "?"}
              {n.paramCount > 0 ? ` · ${n.paramCount.toLocaleString("en-US")} params` : ""}
            </span>
          </li>
        ))}
      </ol>
      <p className="muted" style={{ margin: "8px 0 0", fontSize: 13 }}>
        {analysis.totalParams.toLocaleString("en-US")} trainable parameters
      </p>
    </>
  );
}

function describeParams(params: Record<string, unknown>): string {
  const keys = ["units", "filters", "kernelSize", "rate", "activation", "loss"];
  const shown = keys.filter((k) => params[k] !== undefined && params[k] !== "linear").map((k) => `${k === "kernelSize" ? "k" : ""}${String(params[k])}`);
  return shown.length > 0 ? ` (${shown.join(", ")})` : "";
}
