import type { LossName } from "../graph/layers/output";
import type { ModelGraph } from "../graph/types";
import type { Hyperparameters } from "../train/hyperparameters";
import { py } from "./literals";
import { collectHelpers, header, planCode, requireCodegen } from "./plan";

const LOSSES: Record<LossName, string> = {
  categoricalCrossentropy: '"categorical_crossentropy"',
  sparseCategoricalCrossentropy: '"sparse_categorical_crossentropy"',
  binaryCrossentropy: '"binary_crossentropy"',
  meanSquaredError: '"mean_squared_error"',
  meanAbsoluteError: '"mean_absolute_error"',
  huber: "keras.losses.Huber(delta=1.0)",
};

const CLASSIFICATION: LossName[] = ["categoricalCrossentropy", "sparseCategoricalCrossentropy", "binaryCrossentropy"];

/** A Keras 3 functional model with the graph's layers, compiled with its loss. */
export function generateKeras(graph: ModelGraph, training?: Pick<Hyperparameters, "optimizer" | "learningRate">): string {
  const plan = planCode(graph, "python", training);
  const lines: string[] = [];
  const helpers = [];
  for (const node of plan.nodes) {
    if (node.node.layer.category === "input") {
      const { shape, dtype } = node.args.params as { shape: number[]; dtype: string };
      lines.push(`${node.name} = keras.Input(shape=${py(shape)}${dtype === "int32" ? ', dtype="int32"' : ""}, name=${py(node.node.node.id)})`);
      continue;
    }
    const code = requireCodegen(node).keras(node.args);
    helpers.push(code.helpers);
    const inputs = node.inputs as [string, ...string[]];
    const call = code.call ? code.call(code.layer, inputs) : `${code.layer}(${inputs.length === 1 ? inputs[0] : `[${inputs.join(", ")}]`})`;
    lines.push(`${node.name} = ${call}`);
  }
  const optimizer = plan.training.optimizer === "sgd" ? "SGD" : "Adam";
  const metrics = CLASSIFICATION.includes(plan.loss) ? ', metrics=["accuracy"]' : "";
  const inputs = plan.inputs.map((n) => n.name);
  return [
    `"""${header(graph, "").map((l) => l.trim()).join("\n")}\n"""`,
    "import keras",
    "from keras import layers, ops",
    ...collectHelpers(helpers).flatMap((h) => ["", "", h.source]),
    "",
    "",
    ...lines,
    "",
    `model = keras.Model(inputs=${inputs.length === 1 ? inputs[0] : `[${inputs.join(", ")}]`}, outputs=${plan.output.name}, name=${py((graph.name ?? "model").replace(/[^A-Za-z0-9_]/g, "_"))})`,
    `model.compile(optimizer=keras.optimizers.${optimizer}(learning_rate=${py(plan.training.learningRate)}), loss=${LOSSES[plan.loss]}${metrics})`,
    "",
    'if __name__ == "__main__":',
    "    model.summary()",
    "",
  ].join("\n");
}
