import { z } from "zod";
import { applyLayer, defineLayer, firstInput, type Helper } from "../layer";
import { elementwiseFlops, sequenceShape } from "./common";
import { customLayers, TFJS_SOURCES } from "./custom-tfjs";

const PYTORCH_POSITIONAL: Helper = {
  name: "PositionalEncoding",
  source: `class PositionalEncoding(nn.Module):
    """Adds the sinusoidal position signal of "Attention Is All You Need" to (batch, time, depth) tensors."""

    def forward(self, x):
        length, depth = x.shape[-2], x.shape[-1]
        position = torch.arange(length, dtype=x.dtype, device=x.device)[:, None]
        i = torch.arange(depth, device=x.device)[None, :]
        angle = position / torch.pow(10000.0, (2 * (i // 2)).to(x.dtype) / depth)
        return x + torch.where(i % 2 == 0, torch.sin(angle), torch.cos(angle))`,
};

const KERAS_POSITIONAL = {
  name: "PositionalEncoding",
  source: `class PositionalEncoding(layers.Layer):
    """Adds the sinusoidal position signal of "Attention Is All You Need" to (batch, time, depth) tensors."""

    def call(self, x):
        length, depth = ops.shape(x)[-2], ops.shape(x)[-1]
        position = ops.cast(ops.arange(length), "float32")[:, None]
        i = ops.arange(depth)[None, :]
        angle = position / ops.power(10000.0, ops.cast(2 * (i // 2), "float32") / depth)
        return x + ops.where(i % 2 == 0, ops.sin(angle), ops.cos(angle))`,
};

export const positionalEncoding = defineLayer({
  type: "PositionalEncoding",
  label: "PositionalEncoding",
  category: "attention",
  description: "Adds a fixed sinusoidal signal of each step's position, so attention can tell the order of a sequence.",
  params: z.strictObject({}),
  inputs: { min: 1, max: 1 },
  inferShape: (shapes) => {
    sequenceShape(firstInput(shapes), "PositionalEncoding");
    return firstInput(shapes);
  },
  paramCount: () => 0,
  flops: (shapes) => elementwiseFlops(firstInput(shapes)),
  build: ({ tf, inputs, name }) => applyLayer(new (customLayers(tf).CyxPositionalEncoding)({ name }), inputs),
  codegen: {
    pytorch: () => ({ module: "PositionalEncoding()", helpers: [PYTORCH_POSITIONAL], forward: ([x], self) => `${self}(${x})` }),
    keras: () => ({ layer: "PositionalEncoding()", helpers: [KERAS_POSITIONAL] }),
    tfjs: () => ({ layer: "new CyxPositionalEncoding({})", helpers: TFJS_SOURCES.positional }),
  },
  example: { inputs: [{ shape: [5, 8] }] },
});
