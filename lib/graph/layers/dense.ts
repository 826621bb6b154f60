import { z } from "zod";
import { applyLayer, defineLayer, firstInput, KERNEL_REGULARIZER, lastDim } from "../layer";
import { kerasLayer, pyCall, tfjsLayer } from "../snippets/literals";
import { activationArg, activationParam, elementwiseFlops, pytorchActivation, useBiasParam } from "./common";

export const dense = defineLayer({
  type: "Dense",
  label: "Dense",
  category: "core",
  description: "Fully connected layer: every output unit sees every input feature of the last axis.",
  params: z.strictObject({
    units: z.number().int().min(1).max(65_536).default(64).describe("Number of output units"),
    activation: activationParam,
    useBias: useBiasParam("to each unit"),
  }),
  inputs: { min: 1, max: 1 },
  regularizerArg: KERNEL_REGULARIZER,
  inferShape: (shapes, p) => [...firstInput(shapes).slice(0, -1), p.units],
  paramCount: (shapes, p) => lastDim(firstInput(shapes), "Dense") * p.units + (p.useBias ? p.units : 0),
  flops: (shapes, _p, out) => 2 * lastDim(firstInput(shapes), "Dense") * elementwiseFlops(out),
  build: ({ tf, params, inputs, name, seed, regularizer }) =>
    applyLayer(
      tf.layers.dense({
        kernelRegularizer: regularizer,
        units: params.units,
        activation: params.activation,
        useBias: params.useBias,
        kernelInitializer: tf.initializers.glorotUniform({ seed }),
        name,
      }),
      inputs,
    ),
  codegen: {
    pytorch: ({ params, inputShapes }) => ({
      module: pyCall("nn.Linear", [lastDim(firstInput(inputShapes), "Dense"), params.units], { bias: params.useBias ? undefined : false }),
      forward: ([x], self) => pytorchActivation(params.activation, `${self}(${x})`),
    }),
    keras: ({ params }) => ({ layer: kerasLayer("Dense", [params.units], { activation: activationArg(params.activation), use_bias: params.useBias ? undefined : false }) }),
    tfjs: ({ params }) => ({ layer: tfjsLayer("dense", { units: params.units, activation: activationArg(params.activation), useBias: params.useBias ? undefined : false }) }),
  },
  example: { inputs: [{ shape: [8] }], params: { units: 4, activation: "relu" } },
});
