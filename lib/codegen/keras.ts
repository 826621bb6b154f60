import type { LossName } from "../graph/layers/output";
import type { ModelGraph } from "../graph/types";
import { py, withPythonKeyword } from "./literals";
import { collectHelpers, header, planCode, requireCodegen, type CodegenTraining } from "./plan";

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
export function generateKeras(graph: ModelGraph, training?: CodegenTraining): string {
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
    const reg = node.args.regularization;
    const argument = node.node.layer.regularizerArg?.keras;
    const layer = reg && argument ? withPythonKeyword(code.layer, `${argument}=keras.regularizers.L1L2(l1=${py(reg.l1)}, l2=${py(reg.l2)})`) : code.layer;
    const call = code.call ? code.call(layer, inputs) : `${layer}(${inputs.length === 1 ? inputs[0] : `[${inputs.join(", ")}]`})`;
    lines.push(`${node.name} = ${call}`);
  }
  const optimizer = plan.optimizer?.definition.optimizer
    ? plan.optimizer.definition.optimizer.codegen.keras(plan.optimizer.params)
    : `keras.optimizers.${plan.training.optimizer === "sgd" ? "SGD" : "Adam"}(learning_rate=${py(plan.training.learningRate)})`;
  const schedule = plan.schedule?.definition.schedule?.codegen.keras(plan.schedule.params, plan.training.epochs ?? 10);
  const metrics = CLASSIFICATION.includes(plan.loss) ? ', metrics=["accuracy"]' : "";
  const inputs = plan.inputs.map((n) => n.name);
  return [
    `"""${header(graph, "").map((l) => l.trim()).join("\n")}\n"""`,
    ...(schedule ? ["import math", ""] : []),
    "import keras",
    "from keras import layers, ops",
    ...collectHelpers(helpers).flatMap((h) => ["", "", h.source]),
    "",
    "",
    ...lines,
    "",
    `model = keras.Model(inputs=${inputs.length === 1 ? inputs[0] : `[${inputs.join(", ")}]`}, outputs=${plan.output.name}, name=${py((graph.name ?? "model").replace(/[^A-Za-z0-9_]/g, "_"))})`,
    `model.compile(optimizer=${optimizer}, loss=${LOSSES[plan.loss]}${metrics})`,
    ...(schedule ? [`callbacks = [${schedule}]  # model.fit(..., callbacks=callbacks)`] : []),
    "",
    'if __name__ == "__main__":',
    "    model.summary()",
    "",
  ].join("\n");
}
