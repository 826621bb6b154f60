import { analyzeGraph } from "../../lib/graph/analyze";
import { templates } from "../../lib/graph/templates";
import { EXIT } from "../exit-codes";
import type { Output } from "../output";

export function templatesCommand(out: Output): number {
  const rows = templates.map((t) => ({ id: t.id, name: t.name, dataset: t.dataset, description: t.description, totalParams: analyzeGraph(t.graph).totalParams, graph: t.graph }));
  if (out.json) {
    out.print(JSON.stringify(rows, null, 2));
    return EXIT.ok;
  }
  for (const row of rows) out.print(`${row.id.padEnd(14)} ${row.dataset.padEnd(14)} ${String(row.totalParams).padStart(9)} params  ${row.name}`);
  return EXIT.ok;
}
