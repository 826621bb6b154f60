import { beforeAll, describe, expect, it } from "vitest";
import { seededRandom } from "../../data/random";
import type { Dataset } from "../../data/dataset-format";
import { tf } from "../../train/runtime-tf";
import { disposeModel, trainGraph } from "../../train/train-loop";
import { analyzeGraph } from "../analyze";
import type { ScheduleContext } from "../component";
import { getComponent } from "../registry";
import { GRAPH_FORMAT, GRAPH_VERSION, type GraphEdge, type GraphNode, type ModelGraph } from "../types";
import { adamWClass } from "./adamw";

const rate = (type: string, params: Record<string, unknown>, context: Partial<ScheduleContext>) => {
  const definition = getComponent(type);
  const parsed = definition?.params.parse(params) as never;
  return definition?.schedule?.rate(parsed, { epoch: 0, totalEpochs: 10, base: 0.1, history: [], ...context }) as number;
};

/** Input [4] → Dense(3) → Output, plus whatever configuration nodes and edges a test attaches. */
function mlp(extraNodes: GraphNode[] = [], extraEdges: GraphEdge[] = []): ModelGraph {
  return {
    format: GRAPH_FORMAT,
    version: GRAPH_VERSION,
    nodes: [
      { id: "in", type: "Input", params: { shape: [4] } },
      { id: "dense", type: "Dense", params: { units: 3 } },
      { id: "out", type: "Output", params: { loss: "meanSquaredError" } },
      ...extraNodes,
    ],
    edges: [{ source: "in", target: "dense" }, { source: "dense", target: "out" }, ...extraEdges],
  };
}

function regression(count = 64): Dataset {
  const random = seededRandom(9);
  const features = Float32Array.from({ length: count * 4 }, () => random() * 2 - 1);
  const targets = Float32Array.from({ length: count * 3 }, (_, i) => (features[Math.floor(i / 3) * 4] as number) * (i % 3));
  return { spec: { name: "r", task: "regression", count, features: { shape: [4], dtype: "float32", scale: 1 }, targets: { shape: [3], dtype: "float32" } }, features, targets };
}

describe("learning-rate schedules", () => {
  it("step: drops by gamma every stepSize epochs", () => {
    expect([0, 2, 3, 6].map((epoch) => rate("StepLR", { stepSize: 3, gamma: 0.5 }, { epoch }))).toEqual([0.1, 0.1, 0.05, 0.025]);
  });

  it("exponential: multiplies by gamma each epoch", () => {
    expect(rate("ExponentialLR", { gamma: 0.5 }, { epoch: 2 })).toBeCloseTo(0.025);
  });

  it("cosine: starts at the base and ends near the minimum", () => {
    expect(rate("CosineLR", { minLearningRate: 0.01 }, { epoch: 0 })).toBeCloseTo(0.1);
    expect(rate("CosineLR", { minLearningRate: 0.01 }, { epoch: 5 })).toBeCloseTo(0.055);
    expect(rate("CosineLR", { minLearningRate: 0.01 }, { epoch: 10 })).toBeCloseTo(0.01);
  });

  it("warmup: ramps linearly from the start factor to the base", () => {
    expect([0, 1, 2, 5].map((epoch) => rate("WarmupLR", { warmupEpochs: 2, startFactor: 0.2 }, { epoch }))).toEqual([expect.closeTo(0.02), expect.closeTo(0.06), 0.1, 0.1]);
  });

  it("reduce on plateau: cuts after more than patience epochs without improvement", () => {
    const history = [1, 0.8, 0.81, 0.82, 0.83, 0.5, 0.51].map((v) => ({ val_loss: v, loss: v }));
    const at = (n: number) => rate("ReduceOnPlateau", { patience: 2, factor: 0.5 }, { epoch: n, history: history.slice(0, n) });
    expect([2, 4, 5, 7].map(at)).toEqual([0.1, 0.1, 0.05, 0.05]);
  });
});

describe("configuration nodes in a graph", () => {
  it("attach an optimizer to the Output and a schedule to the optimizer", () => {
    const a = analyzeGraph(
      mlp(
        [
          { id: "opt", type: "AdamW", params: {} },
          { id: "lr", type: "StepLR", params: {} },
        ],
        [
          { source: "opt", target: "out", targetHandle: "optimizer" },
          { source: "lr", target: "opt", targetHandle: "schedule" },
        ],
      ),
    );
    expect(a.issues).toEqual([]);
    expect(a.attachments.optimizer?.node.id).toBe("opt");
    expect(a.attachments.schedule?.node.id).toBe("lr");
  });

  it("refuse an optimizer on a layer that takes none, naming both", () => {
    const a = analyzeGraph(mlp([{ id: "opt", type: "Adam", params: {} }], [{ source: "opt", target: "dense", targetHandle: "optimizer" }]));
    expect(a.issues).toContainEqual(expect.objectContaining({ nodeId: "opt", message: expect.stringContaining('Dense "dense" takes no optimizer') }));
  });

  it("refuse a component plugged into the wrong kind of input", () => {
    const a = analyzeGraph(mlp([{ id: "lr", type: "CosineLR", params: {} }], [{ source: "lr", target: "out", targetHandle: "optimizer" }]));
    expect(a.issues).toContainEqual(expect.objectContaining({ nodeId: "lr", message: expect.stringContaining("is a schedule, not an optimizer") }));
  });

  it("report a component attached to nothing", () => {
    expect(analyzeGraph(mlp([{ id: "reg", type: "L1L2", params: {} }])).issues).toContainEqual(expect.objectContaining({ nodeId: "reg", code: "disconnected" }));
  });

  it("refuse two optimizers on one Output", () => {
    const a = analyzeGraph(
      mlp(
        [
          { id: "a", type: "Adam", params: {} },
          { id: "b", type: "SGD", params: {} },
        ],
        [
          { source: "a", target: "out", targetHandle: "optimizer" },
          { source: "b", target: "out", targetHandle: "optimizer" },
        ],
      ),
    );
    expect(a.issues).toContainEqual(expect.objectContaining({ nodeId: "out", message: expect.stringContaining("two optimizers") }));
  });

  it("refuse tensors into a configuration node", () => {
    const a = analyzeGraph(
      mlp(
        [{ id: "opt", type: "Adam", params: {} }],
        [
          { source: "dense", target: "opt" },
          { source: "opt", target: "out", targetHandle: "optimizer" },
        ],
      ),
    );
    expect(a.issues).toContainEqual(expect.objectContaining({ nodeId: "opt", message: expect.stringContaining("carries no tensors") }));
  });
});

describe("training with configuration nodes", () => {
  beforeAll(async () => {
    await tf.setBackend("cpu");
  });

  it("uses the attached optimizer's learning rate and follows the schedule each epoch", async () => {
    const graph = mlp(
      [
        { id: "opt", type: "SGD", params: { learningRate: 0.2 } },
        { id: "lr", type: "StepLR", params: { stepSize: 2, gamma: 0.5 } },
      ],
      [
        { source: "opt", target: "out", targetHandle: "optimizer" },
        { source: "lr", target: "opt", targetHandle: "schedule" },
      ],
    );
    const result = await trainGraph({ tf, graph, hyperparameters: { epochs: 5, batchSize: 16, learningRate: 0.001, optimizer: "adam", validationSplit: 0, seed: 1 }, dataset: regression() });
    disposeModel(result.model);
    expect(result.epochs.map((e) => e.metrics.lr)).toEqual([0.2, 0.2, 0.1, 0.1, 0.05]);
  });

  it("adds the regularizer's penalty to the loss of the layer it is attached to", async () => {
    const train = async (graph: ModelGraph) => {
      const r = await trainGraph({ tf, graph, hyperparameters: { epochs: 1, batchSize: 64, learningRate: 1e-9, optimizer: "sgd", validationSplit: 0, seed: 4 }, dataset: regression() });
      disposeModel(r.model);
      return r.finalMetrics.loss as number;
    };
    const plain = await train(mlp());
    const penalised = await train(mlp([{ id: "reg", type: "L1L2", params: { l1: 0, l2: 1 } }], [{ source: "reg", target: "dense", targetHandle: "regularizer" }]));
    expect(penalised).toBeGreaterThan(plain + 0.01);
  });

  it("AdamW: one step equals Adam's step on weights first shrunk by lr × weight decay", () => {
    const AdamW = adamWClass(tf);
    const w0 = [0.5, -1.5, 2];
    const grad = tf.tensor1d([0.1, -0.2, 0.3]);
    const step = (optimizer: tf.Optimizer, start: number[]) => {
      const v = tf.variable(tf.tensor1d(start));
      optimizer.applyGradients([{ name: v.name, tensor: grad }]);
      return Array.from(v.dataSync());
    };
    const decayed = step(new AdamW(0.1, 0.9, 0.999, 1e-7, 0.5), w0);
    const reference = step(
      tf.train.adam(0.1, 0.9, 0.999, 1e-7),
      w0.map((w) => w * (1 - 0.1 * 0.5)),
    );
    decayed.forEach((v, i) => expect(v).toBeCloseTo(reference[i] as number, 6));
  });
});
