import { z } from "zod";
import { defineComponent } from "../component";
import { ShapeError } from "../layer";

export const datasetNode = defineComponent({
  type: "Dataset",
  label: "Dataset",
  category: "data",
  description: "The samples to train on, by name (built-in or uploaded). Chain data steps after it and end at the Input.",
  params: z.strictObject({
    name: z.string().trim().min(1).max(100).default("mnist-digits").describe("Name of a registered dataset, e.g. mnist-digits").meta({ suggest: "datasets" }),
  }),
  provides: "data",
  data: {
    phase: "source",
    spec: (_input, p, lookup) => {
      const spec = lookup(p.name);
      if (!spec) throw new ShapeError(`no dataset named "${p.name}"`);
      return spec;
    },
    codegen: {
      python: (p) => [`x, y = load_cxds(${JSON.stringify(`${p.name}.cxds`)})  # GET /api/v1/datasets/${p.name}/file`],
      tfjs: (p) => [`let { x, y } = await loadCxds(${JSON.stringify(`${p.name}.cxds`)}); // GET /api/v1/datasets/${p.name}/file`],
    },
  },
});
