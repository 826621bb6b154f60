import { z } from "zod";
import { applyLayer, defineLayer, firstInput, ShapeError } from "../layer";
import { kerasLayer, pyCall, tfjsLayer } from "../snippets/literals";

export const embedding = defineLayer({
  type: "Embedding",
  label: "Embedding",
  category: "core",
  description: "Turns integer token ids [steps] into learned vectors [steps, dimension].",
  params: z.strictObject({
    inputDim: z.number().int().min(2).max(10_000_000).default(1000).describe("Vocabulary size: token ids run from 0 to this minus 1"),
    outputDim: z.number().int().min(1).max(65_536).default(64).describe("Length of each token's vector"),
  }),
  inputs: { min: 1, max: 1 },
  regularizerArg: { keras: "embeddings_regularizer", tfjs: "embeddingsRegularizer" },
  inferShape: (shapes, p) => {
    const shape = firstInput(shapes);
    if (shape.length !== 1) throw new ShapeError(`Embedding expects token ids of rank 1 [steps], got rank ${shape.length}`);
    return [...shape, p.outputDim];
  },
  paramCount: (_shapes, p) => p.inputDim * p.outputDim,
  build: ({ tf, params, inputs, name, seed, regularizer }) =>
    applyLayer(
      tf.layers.embedding({
        inputDim: params.inputDim,
        outputDim: params.outputDim,
        embeddingsInitializer: tf.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed }),
        embeddingsRegularizer: regularizer,
        name,
      }),
      inputs,
    ),
  codegen: {
    pytorch: ({ params }) => ({ module: pyCall("nn.Embedding", [params.inputDim, params.outputDim]), forward: ([x], self) => `${self}(${x}.long())` }),
    keras: ({ params }) => ({ layer: kerasLayer("Embedding", [params.inputDim, params.outputDim]) }),
    tfjs: ({ params }) => ({ layer: tfjsLayer("embedding", { inputDim: params.inputDim, outputDim: params.outputDim }) }),
  },
  example: { inputs: [{ shape: [6], dtype: "int32" }], params: { inputDim: 20, outputDim: 4 } },
});
