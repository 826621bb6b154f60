import type { LossName } from "../graph/layers/output";
import type { ModelGraph } from "../graph/types";
import { js, withJsConfig } from "../graph/snippets/literals";
import { jsData } from "./data";
import { collectHelpers, header, planCode, requireCodegen, type CodegenTraining } from "./plan";

const CLASSIFICATION: LossName[] = ["categoricalCrossentropy", "sparseCategoricalCrossentropy", "binaryCrossentropy"];

/** A TensorFlow.js ES module exporting the compiled model. */
export function generateTfjs(graph: ModelGraph, training?: CodegenTraining): string {
  const plan = planCode(graph, "javascript", training);
  const lines: string[] = [];
  const helpers = [];
  for (const node of plan.nodes) {
    if (node.node.layer.category === "input") {
      const { shape, dtype } = node.args.params as { shape: number[]; dtype: string };
      lines.push(`const ${node.name} = tf.input(${js({ shape, dtype: dtype === "int32" ? dtype : undefined, name: node.node.node.id })});`);
      continue;
    }
    const code = requireCodegen(node).tfjs(node.args);
    helpers.push(code.helpers);
    const inputs = node.inputs as [string, ...string[]];
    const reg = node.args.regularization;
    const argument = node.node.layer.regularizerArg?.tfjs;
    const layer = reg && argument ? withJsConfig(code.layer, `${argument}: tf.regularizers.l1l2(${js(reg)})`) : code.layer;
    lines.push(`const ${node.name} = ${layer}.apply(${inputs.length === 1 ? inputs[0] : `[${inputs.join(", ")}]`});`);
  }
  const loss = plan.loss === "huber" ? "(yTrue, yPred) => tf.losses.huberLoss(yTrue, yPred)" : js(plan.loss);
  const optimizerNode = plan.optimizer?.definition.optimizer?.codegen.tfjs(plan.optimizer.params);
  helpers.push(optimizerNode?.helpers);
  const optimizer = optimizerNode?.code ?? `tf.train.${plan.training.optimizer === "sgd" ? "sgd" : "adam"}(${plan.training.learningRate})`;
  const schedule = plan.schedule?.definition.schedule?.codegen.tfjs(plan.schedule.params, plan.training.epochs ?? 10);
  const metrics = CLASSIFICATION.includes(plan.loss) ? ', metrics: ["accuracy"]' : "";
  return [
    ...header(graph, "//"),
    'import * as tf from "@tensorflow/tfjs";',
    ...collectHelpers(helpers).flatMap((h) => ["", h.source]),
    "",
    ...lines,
    "",
    `export const model = tf.model({ inputs: [${plan.inputs.map((n) => n.name).join(", ")}], outputs: ${plan.output.name} });`,
    `model.compile({ optimizer: ${optimizer}, loss: ${loss}${metrics} });`,
    ...(schedule ? ["", "/** The learning rate for an epoch (set model.optimizer.learningRate before each one). */", `export const learningRateAt = ${schedule};`] : []),
    ...(plan.data ? ["", ...jsData(plan)] : []),
    "",
  ].join("\n");
}
