import type { LossName } from "../graph/layers/output";
import type { ModelGraph } from "../graph/types";
import { py, withPythonKeyword } from "../graph/snippets/literals";
import { pythonData } from "./data";
import { collectHelpers, header, planCode, requireCodegen, type CodegenTraining, type CodePlan } from "./plan";

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
  const data = pythonData(plan);
  return [
    `"""${header(graph, "")
      .map((l) => l.trim())
      .join("\n")}\n"""`,
    ...(data.length ? ["import json"] : []),
    ...(schedule || data.length ? ["import math", ""] : []),
    ...(data.length ? ["import numpy as np"] : []),
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
    ...(data.length ? ["", "", ...data, "", "", ...fitLoop(plan, schedule !== undefined)] : []),
    "",
    'if __name__ == "__main__":',
    "    model.summary()",
    ...(data.length ? ["    train()"] : []),
    "",
  ].join("\n");
}

/** model.fit over augmented training batches, validated each epoch; the test part scored at the end. */
function fitLoop(plan: CodePlan, scheduled: boolean): string[] {
  const { epochs = 10, batchSize = 32 } = plan.training;
  return [
    `def train(epochs=${epochs}, batch_size=${batchSize}, seed=0):`,
    "    (x_train, y_train), (x_val, y_val), (x_test, y_test) = prepare_data(seed)",
    "    rng = np.random.default_rng(seed)",
    "",
    "    def batches():",
    "        while True:",
    "            order = rng.permutation(len(x_train))",
    "            for start in range(0, len(order), batch_size):",
    "                batch = order[start:start + batch_size]",
    "                yield augment(x_train[batch], rng), y_train[batch]",
    "",
    "    model.fit(",
    "        batches(),",
    "        steps_per_epoch=math.ceil(len(x_train) / batch_size),",
    "        epochs=epochs,",
    "        validation_data=(x_val, y_val) if len(x_val) else None,",
    ...(scheduled ? ["        callbacks=callbacks,"] : []),
    "    )",
    "    if len(x_test):",
    "        print(json.dumps(model.evaluate(x_test, y_test, return_dict=True)))",
  ];
}
