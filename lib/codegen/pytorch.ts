import type { LossName } from "../graph/layers/output";
import { py } from "../graph/snippets/literals";
import { pythonData } from "./data";
import { collectHelpers, header, planCode, requireCodegen, type CodegenTraining, type CodePlan } from "./plan";
import type { ModelGraph } from "../graph/types";
import type { Regularization } from "../graph/layer";

const LOSSES: Record<LossName, string> = {
  categoricalCrossentropy: "return -(target * torch.log(pred.clamp_min(1e-7))).sum(-1).mean()",
  sparseCategoricalCrossentropy: "return F.nll_loss(torch.log(pred.clamp_min(1e-7)), target.long().flatten())",
  binaryCrossentropy: "return F.binary_cross_entropy(pred, target)",
  meanSquaredError: "return F.mse_loss(pred, target)",
  meanAbsoluteError: "return F.l1_loss(pred, target)",
  huber: "return F.huber_loss(pred, target, delta=1.0)",
};

const indent = (text: string, by = "    ") =>
  text
    .split("\n")
    .map((l) => (l ? by + l : l))
    .join("\n");

/** A runnable PyTorch module (plus loss, optimizer and a train step) with the graph's layers and parameter count. */
export function generatePytorch(graph: ModelGraph, training?: CodegenTraining): string {
  const plan = planCode(graph, "python", training);
  const init: string[] = [];
  const forward: string[] = [];
  const helpers = [];
  const penalties: [string, Regularization][] = [];
  let addedLosses = false;
  for (const node of plan.nodes) {
    if (node.node.layer.category === "input") continue;
    if (node.args.regularization) penalties.push([node.name, node.args.regularization]);
    const code = requireCodegen(node).pytorch(node.args);
    addedLosses ||= code.addsLoss === true;
    helpers.push(code.helpers);
    if (code.module) init.push(`self.${node.name} = ${code.module}`);
    forward.push(`${node.name} = ${code.forward(node.inputs as [string, ...string[]], `self.${node.name}`)}`);
  }
  const args = plan.inputs.map((n) => n.name);
  const data = pythonData(plan);
  const trains = data.length > 0 && plan.trainable;
  return [
    `"""${header(graph, "")
      .map((l) => l.trim())
      .join("\n")}\n"""`,
    "import json",
    "import math",
    "",
    ...(data.length ? ["import numpy as np"] : []),
    "import torch",
    "import torch.nn.functional as F",
    "from torch import nn",
    "",
    ...collectHelpers(helpers).flatMap((h) => ["", h.source, ""]),
    "",
    "class Model(nn.Module):",
    "    def __init__(self):",
    "        super().__init__()",
    indent(init.length ? init.join("\n") : "pass", "        "),
    "",
    `    def forward(self, ${args.join(", ")}):`,
    indent([...forward, `return ${plan.output.name}`].join("\n"), "        "),
    "",
    "",
    "def loss_fn(pred, target):",
    `    ${LOSSES[plan.loss]}`,
    "",
    "",
    "def example_inputs(batch=2):",
    `    """Random inputs of the shapes the model takes."""`,
    `    return [${plan.inputs.map(exampleInput).join(", ")}]`,
    "",
    "",
    "model = Model()",
    ...(plan.trainable ? trainingCode(plan, penalties, addedLosses) : []),
    ...(data.length ? ["", "", ...data] : []),
    ...(trains ? ["", "", ...trainLoop(plan)] : []),
    "",
    "",
    'if __name__ == "__main__":',
    ...(trains
      ? ["    train()"]
      : [
          "    model.eval()",
          "    with torch.no_grad():",
          "        out = model(*example_inputs())",
          '    print(json.dumps({"output_shape": list(out.shape[1:]), "trainable_params": sum(p.numel() for p in model.parameters() if p.requires_grad)}))',
        ]),
    "",
  ].join("\n");
}

/** Epochs over the prepared data with the graph's augmentation; the test part scored at the end. */
function trainLoop(plan: CodePlan): string[] {
  const { epochs = 10, batchSize = 32 } = plan.training;
  return [
    `def train(epochs=${epochs}, batch_size=${batchSize}, seed=0):`,
    '    """Trains on the graph\'s dataset and prints each epoch\'s mean loss as JSON."""',
    "    (x_train, y_train), (x_val, y_val), (x_test, y_test) = prepare_data(seed)",
    "    rng = np.random.default_rng(seed)",
    "    for epoch in range(epochs):",
    "        order = rng.permutation(len(x_train))",
    "        losses = []",
    "        for start in range(0, len(order), batch_size):",
    "            batch = order[start:start + batch_size]",
    "            x = np.ascontiguousarray(augment(x_train[batch], rng))",
    "            losses.append(train_step([torch.from_numpy(x)], torch.from_numpy(y_train[batch])))",
    ...(plan.schedule ? ["        scheduler.step()"] : []),
    "        model.eval()",
    "        with torch.no_grad():",
    "            val_loss = loss_fn(model(torch.from_numpy(x_val)), torch.from_numpy(y_val)).item() if len(x_val) else None",
    '        print(json.dumps({"epoch": epoch + 1, "loss": sum(losses) / len(losses), "val_loss": val_loss}))',
    "    if len(x_test):",
    "        with torch.no_grad():",
    '            print(json.dumps({"test_loss": loss_fn(model(torch.from_numpy(x_test)), torch.from_numpy(y_test)).item()}))',
    "    return sum(losses) / len(losses)",
  ];
}

function exampleInput(node: CodePlan["inputs"][number]): string {
  const shape = node.args.params.shape as number[];
  return node.args.params.dtype === "int32" ? `torch.randint(0, 2, (batch, ${shape.join(", ")}))` : `torch.randn(batch, ${shape.join(", ")})`;
}

/**
 * The optimizer (the graph's optimizer node, else the job's), its schedule, the regularizer
 * penalties and one training step; a model without weights has nothing to optimise.
 */
function trainingCode(plan: CodePlan, penalties: [string, Regularization][], addedLosses: boolean): string[] {
  const { optimizer, schedule, training } = plan;
  const optimizerCode = optimizer?.definition.optimizer
    ? optimizer.definition.optimizer.codegen.pytorch(optimizer.params)
    : `${training.optimizer === "sgd" ? "torch.optim.SGD" : "torch.optim.Adam"}(model.parameters(), lr=${py(training.learningRate)})`;
  const scheduler = schedule?.definition.schedule ? [`scheduler = ${schedule.definition.schedule.codegen.pytorch(schedule.params, training.epochs ?? 10)}  # scheduler.step() after each epoch`] : [];
  const terms = penalties.map(([name, r]) => {
    const weights = (power: string) => `sum(w.${power}.sum() for n, w in model.${name}.named_parameters() if n.endswith("weight"))`;
    return [r.l1 > 0 ? `${py(r.l1)} * ${weights("abs()")}` : "", r.l2 > 0 ? `${py(r.l2)} * ${weights("pow(2)")}` : ""].filter(Boolean).join(" + ");
  });
  const regularization = terms.filter(Boolean).length
    ? ["", "", "def regularization():", '    """The L1/L2 penalties of the regularizer nodes, added to the loss."""', `    return ${terms.filter(Boolean).join(" + ")}`]
    : [];
  const added = addedLosses
    ? [
        "",
        "",
        "def added_losses():",
        '    """Losses the layers kept in this forward pass (a VAE\'s KL divergence)."""',
        '    return sum(m.added_loss for m in model.modules() if hasattr(m, "added_loss"))',
      ]
    : [];
  return [
    `optimizer = ${optimizerCode}`,
    ...scheduler,
    ...regularization,
    ...added,
    "",
    "",
    "def train_step(inputs, target):",
    "    model.train()",
    "    optimizer.zero_grad()",
    `    loss = loss_fn(model(*inputs), target)${regularization.length ? " + regularization()" : ""}${added.length ? " + added_losses()" : ""}`,
    "    loss.backward()",
    "    optimizer.step()",
    "    return loss.item()",
  ];
}
