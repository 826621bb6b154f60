import { z } from "zod";
import { applyLayer, defineLayer, firstInput, ShapeError } from "../layer";
import { js, pyCall } from "../snippets/literals";
import { sequenceShape } from "./common";
import { customLayers, TFJS_SOURCES } from "./custom-tfjs";

const KERAS_TRANSFORMER = {
  name: "TransformerEncoder",
  source: `class TransformerEncoder(layers.Layer):
    """Post-norm transformer encoder block: self-attention, then a feed-forward net, each with a residual and LayerNorm."""

    def __init__(self, num_heads, ff_dim, dropout=0.0, **kwargs):
        super().__init__(**kwargs)
        self.num_heads, self.ff_dim, self.rate = num_heads, ff_dim, dropout

    def build(self, input_shape):
        depth = input_shape[-1]
        self.attention = layers.MultiHeadAttention(self.num_heads, depth // self.num_heads, dropout=self.rate)
        self.norm1 = layers.LayerNormalization(epsilon=1e-3)
        self.norm2 = layers.LayerNormalization(epsilon=1e-3)
        self.ff1 = layers.Dense(self.ff_dim, activation="relu")
        self.ff2 = layers.Dense(depth)
        self.drop1 = layers.Dropout(self.rate)
        self.drop2 = layers.Dropout(self.rate)

    def call(self, x, training=False):
        x = self.norm1(x + self.drop1(self.attention(x, x, training=training), training=training))
        return self.norm2(x + self.drop2(self.ff2(self.ff1(x)), training=training))`,
};

export const transformerEncoder = defineLayer({
  type: "TransformerEncoder",
  label: "TransformerEncoder",
  category: "attention",
  description: "One transformer encoder block: multi-head self-attention and a feed-forward net, each with a residual connection and LayerNorm.",
  params: z.strictObject({
    numHeads: z.number().int().min(1).max(128).default(4).describe("Attention heads; must divide the input depth"),
    ffDim: z.number().int().min(1).max(65_536).default(128).describe("Width of the feed-forward net"),
    dropout: z.number().min(0).max(0.9).default(0.1).describe("Dropout on attention and residual branches while training"),
  }),
  inputs: { min: 1, max: 1 },
  inferShape: (shapes, p) => {
    const [, depth] = sequenceShape(firstInput(shapes), "TransformerEncoder");
    if (depth % p.numHeads !== 0) throw new ShapeError(`numHeads ${p.numHeads} must divide the input depth ${depth}`);
    return firstInput(shapes);
  },
  paramCount: (shapes, p) => {
    const [, d] = sequenceShape(firstInput(shapes), "TransformerEncoder");
    return 4 * (d * d + d) + (d * p.ffDim + p.ffDim) + (p.ffDim * d + d) + 4 * d;
  },
  flops: (shapes, p) => {
    const [t, d] = sequenceShape(firstInput(shapes), "TransformerEncoder");
    return 2 * (4 * t * d * d + 2 * t * t * d + 2 * t * d * p.ffDim);
  },
  build: ({ tf, params, inputs, name }) => applyLayer(new (customLayers(tf).CyxTransformerEncoder)({ ...params, name }), inputs),
  codegen: {
    pytorch: ({ params, inputShapes }) => ({
      module: pyCall("nn.TransformerEncoderLayer", [sequenceShape(firstInput(inputShapes), "TransformerEncoder")[1], params.numHeads], {
        dim_feedforward: params.ffDim,
        dropout: params.dropout,
        batch_first: true,
        layer_norm_eps: 1e-3,
      }),
      forward: ([x], self) => `${self}(${x})`,
    }),
    keras: ({ params }) => ({ layer: pyCall("TransformerEncoder", [params.numHeads, params.ffDim], { dropout: params.dropout }), helpers: [KERAS_TRANSFORMER] }),
    tfjs: ({ params }) => ({ layer: `new CyxTransformerEncoder(${js(params)})`, helpers: TFJS_SOURCES.transformer }),
  },
  example: { inputs: [{ shape: [5, 8] }], params: { numHeads: 2, ffDim: 16 } },
});
