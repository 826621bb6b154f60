import { z } from "zod";
import { describeParams } from "../../lib/editor/param-fields";
import { layerRegistry } from "../../lib/graph/registry";
import { EXIT } from "../exit-codes";
import type { Output } from "../output";

/** Every node type with its parameters: what the editor's palette and properties panel show. */
export function layersCommand(out: Output): number {
  const layers = [...layerRegistry.values()];
  if (out.json) {
    out.print(
      JSON.stringify(
        layers.map((l) => ({ type: l.type, category: l.category, description: l.description, inputs: l.inputs, params: z.toJSONSchema(l.params, { io: "input" }) })),
        null,
        2,
      ),
    );
    return EXIT.ok;
  }
  for (const layer of layers) {
    out.print(`${layer.type}  (${layer.category})  ${layer.description}`);
    for (const field of describeParams(layer)) {
      const choices = field.options ? ` [${field.options.join("|")}]` : "";
      out.print(`    ${field.name}${choices}: ${field.description}`);
    }
  }
  return EXIT.ok;
}
