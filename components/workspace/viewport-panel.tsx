"use client";

import { useMemo } from "react";
import { toExecutionGraph } from "../../lib/editor/document";
import { autoLayout, NODE_SIZE } from "../../lib/editor/layout";
import { formatShape } from "../../lib/graph/types";
import { useDocument } from "../editor/editor-store";
import { formatCount, type DocumentAnalysis } from "../editor/use-analysis";
import { useRuns } from "./runs-store";
import { formatBytes } from "../ui/format";

const SCALE = 0.6;

/** The model at a glance: its architecture drawn layer by layer, a summary table, and the live metrics of the run in progress. */
export function ViewportPanel({ analysis }: { analysis: DocumentAnalysis }) {
  const doc = useDocument();
  const running = useRuns((s) => s.runs.findLast((r) => r.status === "running"));
  const layers = analysis.analysis.nodes;
  // The diagram shows the tensor path only: configuration and data nodes are listed in the table's footer.
  const diagram = useMemo(() => {
    const ids = new Set(layers.map((n) => n.node.id));
    const flow = { ...doc, nodes: doc.nodes.filter((n) => ids.has(n.id)), edges: doc.edges.filter((e) => ids.has(e.source) && ids.has(e.target)) };
    const positions = autoLayout(flow);
    const xs = Object.values(positions).map((p) => p.x);
    const ys = Object.values(positions).map((p) => p.y);
    const width = (Math.max(0, ...xs) + NODE_SIZE.width + 20) * SCALE;
    const height = (Math.max(0, ...ys) + NODE_SIZE.height + 20) * SCALE;
    return { positions, edges: flow.edges, width, height };
  }, [doc, layers]);
  const latest = running?.points.at(-1);
  const graph = toExecutionGraph(doc);

  return (
    <div className="viewport-panel">
      <section className="viewport-diagram" aria-label="Architecture diagram">
        {running && (
          <p className="live-metrics" role="status">
            Training {running.name}: epoch {latest ? latest.step.toFixed(2) : "–"}
            {latest &&
              Object.entries(latest.values)
                .filter(([k]) => ["loss", "accuracy", "val_loss", "val_accuracy"].includes(k))
                .map(([k, v]) => ` · ${k} ${v.toFixed(4)}`)
                .join("")}
          </p>
        )}
        <svg width={diagram.width} height={diagram.height} role="img" aria-label={`${graph.name}: ${layers.length} layers`}>
          {diagram.edges.map((e) => {
            const a = diagram.positions[e.source];
            const b = diagram.positions[e.target];
            if (!a || !b) return null;
            const shape = analysis.byNode.get(e.source)?.outputShape;
            const [x1, y1, x2, y2] = [(a.x + NODE_SIZE.width / 2) * SCALE, (a.y + NODE_SIZE.height) * SCALE, (b.x + NODE_SIZE.width / 2) * SCALE, b.y * SCALE];
            return (
              <g key={e.id} className="vp-edge">
                <line x1={x1} y1={y1} x2={x2} y2={y2} />
                {shape && (
                  <text x={(x1 + x2) / 2 + 4} y={(y1 + y2) / 2}>
                    {formatShape(shape)}
                  </text>
                )}
              </g>
            );
          })}
          {layers.map((n) => {
            const p = diagram.positions[n.node.id];
            if (!p) return null;
            const broken = (analysis.issuesByNode.get(n.node.id) ?? []).length > 0;
            return (
              <g key={n.node.id} className={`vp-node cat-${n.layer.category}${broken ? " broken" : ""}`} transform={`translate(${p.x * SCALE},${p.y * SCALE})`}>
                <rect width={NODE_SIZE.width * SCALE} height={NODE_SIZE.height * SCALE} rx={6} />
                <text x={8} y={18}>
                  {n.node.label ?? n.node.id}
                </text>
                <text x={8} y={34} className="vp-meta">
                  {n.layer.type} · {n.outputShape ? formatShape(n.outputShape) : "?"}
                </text>
              </g>
            );
          })}
        </svg>
      </section>
      <section className="viewport-summary" aria-label="Model summary">
        <table className="table small" data-testid="model-summary">
          <thead>
            <tr>
              <th>Layer</th>
              <th>Type</th>
              <th>Output</th>
              <th>Params</th>
              <th>FLOPs</th>
            </tr>
          </thead>
          <tbody>
            {layers.map((n) => (
              <tr key={n.node.id}>
                <td>{n.node.label ?? n.node.id}</td>
                <td>{n.layer.type}</td>
                <td className="mono">{n.outputShape ? formatShape(n.outputShape) : "?"}</td>
                <td className="mono">{n.paramCount.toLocaleString("en-US")}</td>
                <td className="mono">{formatCount(n.flops)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th colSpan={3}>Total ({layers.length} layers)</th>
              <td className="mono">{analysis.analysis.totalParams.toLocaleString("en-US")}</td>
              <td className="mono">{formatCount(analysis.analysis.totalFlops)}</td>
            </tr>
          </tfoot>
        </table>
        <p className="muted small">
          Weights take {formatBytes(analysis.analysis.totalParams * 4)} in float32
          {analysis.analysis.attachments.optimizer ? `; trained with ${analysis.analysis.attachments.optimizer.node.type}` : ""}
          {analysis.analysis.data?.dataset ? ` on “${analysis.analysis.data.dataset}”` : ""}.
        </p>
      </section>
    </div>
  );
}
