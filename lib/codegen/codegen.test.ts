import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { pythonWithTorch } from "../../tests/helpers/python";
import { REPO_ROOT } from "../../tests/helpers/server-process";
import { analyzeGraph } from "../graph/analyze";
import { exampleGraph, exampleLayers } from "../graph/examples";
import { prepareParsedGraph } from "../graph/prepare";
import { templates } from "../graph/templates";
import { mlpDigits } from "../graph/templates/mlp-digits";
import type { ModelGraph } from "../graph/types";
import { klDivergence } from "../graph/layers/custom-tfjs";
import { compileGraph } from "../train/compile";
import { tf } from "../train/runtime-tf";
import { disposeModel } from "../train/train-loop";
import { generateCode } from "./index";

// Generated files live inside the repository so that `import "@tensorflow/tfjs"` resolves.
const OUT = path.join(REPO_ROOT, "test-results", "codegen");

/** The digits MLP trained with AdamW on a cosine schedule, its first layer L1/L2-regularised. */
const configured: ModelGraph = {
  ...mlpDigits.graph,
  name: "configured MLP",
  nodes: [...mlpDigits.graph.nodes, { id: "opt", type: "AdamW", params: { weightDecay: 0.05 } }, { id: "cosine", type: "CosineLR", params: {} }, { id: "reg", type: "L1L2", params: { l1: 0.001 } }],
  edges: [
    ...mlpDigits.graph.edges,
    { source: "opt", target: "output", targetHandle: "optimizer" },
    { source: "cosine", target: "opt", targetHandle: "schedule" },
    { source: "reg", target: "hidden1", targetHandle: "regularizer" },
  ],
};

const cases: [string, ModelGraph][] = [
  ...exampleLayers().map((l) => [`layer ${l.type}`, exampleGraph(l)] as [string, ModelGraph]),
  ...templates.map((t) => [`template ${t.id}`, t.graph] as [string, ModelGraph]),
  ["configured MLP", configured],
];

const fileName = (name: string) => name.replace(/[^A-Za-z0-9]+/g, "_");

function expected(graph: ModelGraph) {
  const analysis = analyzeGraph(graph);
  const output = analysis.nodes.find((n) => n.node.id === analysis.outputId);
  return { params: analysis.totalParams, outputShape: output?.outputShape };
}

describe("generated code", () => {
  const python: Record<string, { output_shape?: number[]; trainable_params?: number; keras_ok?: boolean; error?: string }> = {};

  beforeAll(async () => {
    await tf.setBackend("cpu");
    mkdirSync(OUT, { recursive: true });
    const files = cases.map(([name, graph]) => {
      const base = path.join(OUT, fileName(name));
      writeFileSync(`${base}_torch.py`, generateCode(graph, "pytorch"));
      writeFileSync(`${base}_keras.py`, generateCode(graph, "keras"));
      return { name, torch: `${base}_torch.py`, keras: `${base}_keras.py` };
    });
    // One Python process checks every file: PyTorch modules are built and run, Keras files parsed.
    const driver = `
import ast, importlib.util, json, sys, torch
for entry in json.loads(sys.argv[1]):
    result = {}
    try:
        spec = importlib.util.spec_from_file_location("generated", entry["torch"])
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.model.eval()
        with torch.no_grad():
            out = module.model(*module.example_inputs())
        result["output_shape"] = list(out.shape[1:])
        result["trainable_params"] = sum(p.numel() for p in module.model.parameters() if p.requires_grad)
        ast.parse(open(entry["keras"]).read())
        result["keras_ok"] = True
    except Exception as error:
        result["error"] = repr(error)
    print(json.dumps({"name": entry["name"], **result}))
`;
    const stdout = execFileSync(pythonWithTorch(), ["-c", driver, JSON.stringify(files)], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    for (const line of stdout.trim().split("\n")) {
      const row = JSON.parse(line) as { name: string; error?: string };
      python[row.name] = row;
    }
  }, 120_000);

  describe.each(cases)("%s", (name, graph) => {
    it("runs in PyTorch with the same output shape and trainable parameters", () => {
      const want = expected(graph);
      expect(python[name]?.error).toBeUndefined();
      expect(python[name]).toMatchObject({ output_shape: want.outputShape, trainable_params: want.params });
    });

    it("is valid Python for Keras", () => {
      expect(python[name]?.keras_ok).toBe(true);
    });

    it("builds in TensorFlow.js with the same output shape and trainable parameters", async () => {
      const file = path.join(OUT, `${fileName(name)}.mjs`);
      writeFileSync(file, generateCode(graph, "tfjs"));
      const { model } = (await import(`${pathToFileURL(file).href}?v=${Date.now()}`)) as { model: tf.LayersModel };
      const want = expected(graph);
      expect(model.outputs[0]?.shape.slice(1)).toEqual(want.outputShape);
      expect(model.trainableWeights.reduce((n, w) => n + w.shape.reduce<number>((a, b) => a * (b ?? 1), 1), 0)).toBe(want.params);
      disposeModel(model);
    });
  });

  it("carries the graph's optimizer, schedule and regularizer into every framework", () => {
    const torch = generateCode(configured, "pytorch");
    expect(torch).toContain("torch.optim.AdamW(model.parameters(), lr=0.001, betas=(0.9, 0.999), eps=1e-7, weight_decay=0.05)");
    expect(torch).toContain("torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=10, eta_min=0)");
    expect(torch).toContain("loss = loss_fn(model(*inputs), target) + regularization()");
    const keras = generateCode(configured, "keras");
    expect(keras).toContain("kernel_regularizer=keras.regularizers.L1L2(l1=0.001, l2=0.0001)");
    expect(keras).toContain("optimizer=keras.optimizers.AdamW(");
    expect(keras).toContain("callbacks = [keras.callbacks.LearningRateScheduler(");
    const tfjs = generateCode(configured, "tfjs");
    expect(tfjs).toContain("kernelRegularizer: tf.regularizers.l1l2({ l1: 0.001, l2: 0.0001 })");
    expect(tfjs).toContain("optimizer: new CyxAdamW(0.001, 0.9, 0.999, 1e-7, 0.05)");
    expect(tfjs).toContain("export const learningRateAt = (epoch, base) =>");
  });

  it("trains the VAE's generated code with its KL term in PyTorch and TensorFlow.js", async () => {
    const vae = templates.find((t) => t.id === "vae-digits")?.graph as ModelGraph;
    const torchFile = path.join(OUT, "vae_train_torch.py");
    writeFileSync(torchFile, generateCode(vae, "pytorch"));
    const driver = `
import importlib.util, json, sys, torch
spec = importlib.util.spec_from_file_location("generated", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
torch.manual_seed(0)
x = module.example_inputs(4)[0].abs().clamp(0, 1)
loss = module.train_step([x], x)
print(json.dumps({"loss": loss, "kl": float(module.added_losses())}))
`;
    const torch = JSON.parse(execFileSync(pythonWithTorch(), ["-c", driver, torchFile], { encoding: "utf8" })) as { loss: number; kl: number };
    expect(torch.kl).toBeGreaterThan(0);
    expect(torch.loss).toBeGreaterThan(torch.kl);

    await tf.setBackend("cpu");
    const jsFile = path.join(OUT, "vae_train.mjs");
    writeFileSync(jsFile, generateCode(vae, "tfjs"));
    const { model } = (await import(pathToFileURL(jsFile).href)) as { model: tf.LayersModel };
    const x = tf.randomUniform([4, 28, 28, 1], 0, 1, "float32", 3);
    // The generated class leaves the KL term of a training-mode call for the loss, as the runtime layer does.
    const sampling = model.layers.find((l) => l.getClassName() === "CyxSampling") as tf.layers.Layer;
    const [mean, logVar] = [tf.tensor2d([[0.5, -1]]), tf.tensor2d([[0, 1]])];
    sampling.call([mean, logVar], { training: true });
    const kl = sampling.calculateLosses().map((l) => l.dataSync()[0] as number);
    expect(kl).toHaveLength(1);
    expect(kl[0]).toBeCloseTo(0.002 * (klDivergence(tf, mean, logVar).dataSync()[0] as number), 6);
    expect(Number.isFinite((await model.trainOnBatch(x, x)) as number)).toBe(true);
    disposeModel(model);
  });

  it.each(["MultiHeadAttention", "TransformerEncoder", "PositionalEncoding", "Sampling"])("emits a %s class that computes what the runtime layer computes", async (type) => {
    await tf.setBackend("cpu");
    const layer = exampleLayers().find((l) => l.type === type);
    if (!layer) throw new Error(`no ${type}`);
    const graph = exampleGraph(layer);
    const file = path.join(OUT, `equivalence_${type}.mjs`);
    writeFileSync(file, generateCode(graph, "tfjs"));
    const generated = ((await import(pathToFileURL(file).href)) as { model: tf.LayersModel }).model;
    const { model: runtime } = compileGraph(tf, prepareParsedGraph(graph), { epochs: 1, batchSize: 1, learningRate: 0.1, optimizer: "sgd", validationSplit: 0, seed: 1 });
    generated.setWeights(runtime.getWeights());
    const inputs = (layer.example?.inputs ?? []).map((input, i) => tf.randomNormal([2, ...input.shape], 0, 1, "float32", i + 1));
    const a = runtime.predict(inputs.length === 1 ? (inputs[0] as tf.Tensor) : inputs) as tf.Tensor;
    const b = generated.predict(inputs.length === 1 ? (inputs[0] as tf.Tensor) : inputs) as tf.Tensor;
    expect(tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]).toBeLessThan(1e-5);
    disposeModel(runtime);
    disposeModel(generated);
  });
});
