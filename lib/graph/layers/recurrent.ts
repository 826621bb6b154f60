import type * as tfjs from "@tensorflow/tfjs";
import { z } from "zod";
import { applyLayer, defineLayer, firstInput, KERNEL_REGULARIZER, type BuildArgs, type LayerDefinition } from "../layer";
import { kerasLayer, pyCall, tfjsLayer } from "../snippets/literals";
import { KERAS_RECURRENT } from "../snippets/pytorch-helpers";
import type { Shape } from "../types";
import { sequenceShape } from "./common";

export type Cell = "SimpleRNN" | "LSTM" | "GRU";
const GATES: Record<Cell, number> = { SimpleRNN: 1, LSTM: 4, GRU: 3 };

export const unitsParam = z.number().int().min(1).max(8192).default(64).describe("Size of the hidden state");
export const returnSequencesParam = z.boolean().default(false).describe("Output every step [steps, units] instead of only the last [units]");

/** Keras/tfjs parameter count: one kernel, one recurrent kernel and one bias per gate. */
export function cellParams(cell: Cell, features: number, units: number): number {
  return GATES[cell] * (units * (features + units) + units);
}

export function recurrentShape(shape: Shape, units: number, returnSequences: boolean, layer: string): Shape {
  const [steps] = sequenceShape(shape, layer);
  return returnSequences ? [steps, units] : [units];
}

/** The tfjs layer for a cell with the Keras defaults we generate code for (sigmoid gates; GRU reset_after=False). */
export function tfjsRecurrent(tf: typeof tfjs, cell: Cell, config: { units: number; returnSequences: boolean; name?: string; seed: number; regularizer?: BuildArgs<unknown>["regularizer"] }) {
  const common = {
    units: config.units,
    returnSequences: config.returnSequences,
    name: config.name,
    kernelInitializer: tf.initializers.glorotUniform({ seed: config.seed }),
    // Seeded too (tfjs's default orthogonal one draws from Math.random), so that the job's seed fixes every initial weight and a verifier can recompute them.
    recurrentInitializer: tf.initializers.orthogonal({ seed: config.seed + 1 }),
    kernelRegularizer: config.regularizer,
  };
  if (cell === "LSTM") return tf.layers.lstm({ ...common, recurrentActivation: "sigmoid" });
  if (cell === "GRU") return tf.layers.gru({ ...common, recurrentActivation: "sigmoid" });
  return tf.layers.simpleRNN(common);
}

export const kerasRecurrent = (cell: Cell, units: number, returnSequences: boolean) =>
  kerasLayer(cell, [units], {
    return_sequences: returnSequences || undefined,
    recurrent_activation: cell === "SimpleRNN" ? undefined : "sigmoid",
    reset_after: cell === "GRU" ? false : undefined,
  });

export const tfjsRecurrentCode = (cell: Cell, units: number, returnSequences: boolean) =>
  tfjsLayer(cell === "SimpleRNN" ? "simpleRNN" : cell.toLowerCase(), {
    units,
    returnSequences: returnSequences || undefined,
    recurrentActivation: cell === "SimpleRNN" ? undefined : "sigmoid",
  });

export const pytorchRecurrent = (cell: Cell, features: number, units: number, returnSequences: boolean, goBackwards = false) =>
  pyCall("KerasRecurrent", [cell, features, units], { return_sequences: returnSequences || undefined, go_backwards: goBackwards || undefined });

const DESCRIPTIONS: Record<Cell, string> = {
  SimpleRNN: "A plain recurrent layer: each step mixes the input with the previous hidden state.",
  LSTM: "Long short-term memory: gated recurrence that keeps information over long sequences.",
  GRU: "Gated recurrent unit: an LSTM with fewer gates, often as good and faster.",
};

/** SimpleRNN, LSTM and GRU nodes over [steps, features] sequences. */
export function recurrentLayer(cell: Cell): LayerDefinition<{ units: number; returnSequences: boolean }> {
  return defineLayer({
    type: cell,
    label: cell,
    category: "recurrent",
    description: DESCRIPTIONS[cell],
    params: z.strictObject({ units: unitsParam, returnSequences: returnSequencesParam }),
    inputs: { min: 1, max: 1 },
    regularizerArg: KERNEL_REGULARIZER,
    inferShape: (shapes, p) => recurrentShape(firstInput(shapes), p.units, p.returnSequences, cell),
    paramCount: (shapes, p) => cellParams(cell, sequenceShape(firstInput(shapes), cell)[1], p.units),
    flops: (shapes, p) => {
      const [steps, features] = sequenceShape(firstInput(shapes), cell);
      return 2 * steps * GATES[cell] * p.units * (features + p.units);
    },
    build: ({ tf, params, inputs, name, seed, regularizer }) => applyLayer(tfjsRecurrent(tf, cell, { ...params, name, seed, regularizer }), inputs),
    codegen: {
      pytorch: ({ params, inputShapes }) => ({
        module: pytorchRecurrent(cell, sequenceShape(firstInput(inputShapes), cell)[1], params.units, params.returnSequences),
        helpers: [KERAS_RECURRENT],
        forward: ([x], self) => `${self}(${x})`,
      }),
      keras: ({ params }) => ({ layer: kerasRecurrent(cell, params.units, params.returnSequences) }),
      tfjs: ({ params }) => ({ layer: tfjsRecurrentCode(cell, params.units, params.returnSequences) }),
    },
    example: { inputs: [{ shape: [5, 3] }], params: { units: 4 } },
  });
}
