import type { RNN } from "@tensorflow/tfjs";
import { z } from "zod";
import { applyLayer, defineLayer, firstInput, type LayerDefinition } from "../layer";
import { js, py } from "../snippets/literals";
import { BIDIRECTIONAL, KERAS_RECURRENT } from "../snippets/pytorch-helpers";
import { sequenceShape } from "./common";
import { cellParams, kerasRecurrent, pytorchRecurrent, recurrentShape, returnSequencesParam, tfjsRecurrent, tfjsRecurrentCode, unitsParam, type Cell } from "./recurrent";

const MERGES = ["concat", "sum", "mul", "ave"] as const;

export const bidirectional: LayerDefinition<{ cell: Cell; units: number; returnSequences: boolean; mergeMode: (typeof MERGES)[number] }> = defineLayer({
  type: "Bidirectional",
  label: "Bidirectional",
  category: "recurrent",
  description: "Runs a recurrent layer forwards and backwards over the sequence and merges both views.",
  params: z.strictObject({
    cell: z.enum(["SimpleRNN", "LSTM", "GRU"]).default("LSTM").describe("The recurrent layer run in both directions"),
    units: unitsParam,
    returnSequences: returnSequencesParam,
    mergeMode: z.enum(MERGES).default("concat").describe("How the two directions combine: concat doubles the size"),
  }),
  inputs: { min: 1, max: 1 },
  inferShape: (shapes, p) => {
    const single = recurrentShape(firstInput(shapes), p.units, p.returnSequences, "Bidirectional");
    return p.mergeMode === "concat" ? [...single.slice(0, -1), 2 * p.units] : single;
  },
  paramCount: (shapes, p) => 2 * cellParams(p.cell, sequenceShape(firstInput(shapes), "Bidirectional")[1], p.units),
  flops: (shapes, p) => {
    const [steps, features] = sequenceShape(firstInput(shapes), "Bidirectional");
    return 2 * 2 * steps * cellParams(p.cell, features, p.units);
  },
  build: ({ tf, params, inputs, name, seed }) =>
    applyLayer(
      tf.layers.bidirectional({
        layer: tfjsRecurrent(tf, params.cell, { units: params.units, returnSequences: params.returnSequences, seed }) as unknown as RNN,
        mergeMode: params.mergeMode,
        name,
      }),
      inputs,
    ),
  codegen: {
    pytorch: ({ params: p, inputShapes }) => {
      const features = sequenceShape(firstInput(inputShapes), "Bidirectional")[1];
      const forward = pytorchRecurrent(p.cell, features, p.units, p.returnSequences);
      const backward = pytorchRecurrent(p.cell, features, p.units, p.returnSequences, true);
      return {
        module: `Bidirectional(${forward}, ${backward}, ${py(p.mergeMode)})`,
        helpers: [KERAS_RECURRENT, BIDIRECTIONAL],
        forward: ([x], self) => `${self}(${x})`,
      };
    },
    keras: ({ params: p }) => ({ layer: `layers.Bidirectional(${kerasRecurrent(p.cell, p.units, p.returnSequences)}, merge_mode=${py(p.mergeMode)})` }),
    tfjs: ({ params: p }) => ({ layer: `tf.layers.bidirectional({ layer: ${tfjsRecurrentCode(p.cell, p.units, p.returnSequences)}, mergeMode: ${js(p.mergeMode)} })` }),
  },
  example: { inputs: [{ shape: [5, 3] }], params: { cell: "GRU", units: 4, returnSequences: true } },
});
