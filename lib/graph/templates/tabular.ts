import { chain, dag, node, type ModelTemplate } from "./template";

export const logisticMoons: ModelTemplate = {
  dataset: "two-moons",
  id: "logistic-moons",
  name: "Logistic regression · two moons",
  description: "One sigmoid unit: the linear baseline, which two interleaving moons defeat (about 85 %).",
  hyperparameters: { epochs: 20, batchSize: 32, learningRate: 0.05, optimizer: "adam" },
  graph: chain("Logistic regression", [node("input", "Input", { shape: [2] }), node("logit", "Dense", { units: 1, activation: "sigmoid" }), node("output", "Output", { loss: "binaryCrossentropy" })]),
};

export const mlpMoons: ModelTemplate = {
  dataset: "two-moons",
  id: "mlp-moons",
  name: "Small MLP · two moons",
  description: "Two hidden layers bend the decision boundary around the moons (close to 100 %).",
  hyperparameters: { epochs: 20, batchSize: 32, learningRate: 0.02, optimizer: "adam" },
  graph: chain("Small MLP", [
    node("input", "Input", { shape: [2] }),
    node("hidden1", "Dense", { units: 16, activation: "relu" }),
    node("hidden2", "Dense", { units: 16, activation: "relu" }),
    node("logit", "Dense", { units: 1, activation: "sigmoid" }),
    node("output", "Output", { loss: "binaryCrossentropy" }),
  ]),
};

export const regressionMlp: ModelTemplate = {
  dataset: "friedman1",
  id: "mlp-friedman",
  name: "Regression MLP · Friedman #1",
  description: "A GELU network fitting a smooth non-linear function of 10 inputs with mean squared error.",
  hyperparameters: { epochs: 30, batchSize: 32, learningRate: 0.005, optimizer: "adam" },
  graph: chain("Regression MLP", [
    node("input", "Input", { shape: [10] }),
    node("hidden1", "Dense", { units: 64, activation: "gelu" }),
    node("hidden2", "Dense", { units: 64, activation: "gelu" }),
    node("value", "Dense", { units: 1 }),
    node("output", "Output", { loss: "meanSquaredError" }),
  ]),
};

export const wideAndDeep: ModelTemplate = {
  dataset: "friedman1",
  id: "wide-deep-friedman",
  name: "Wide & deep · Friedman #1",
  description: "A linear (wide) path and a deep path added together, trained with the outlier-robust Huber loss.",
  hyperparameters: { epochs: 30, batchSize: 32, learningRate: 0.005, optimizer: "adam" },
  graph: dag(
    "Wide & deep",
    [
      node("input", "Input", { shape: [10] }),
      node("wide", "Dense", { units: 1 }),
      node("deep1", "Dense", { units: 32, activation: "swish" }),
      node("deep2", "Dense", { units: 32, activation: "swish" }),
      node("deep_out", "Dense", { units: 1 }),
      node("sum", "Add"),
      node("output", "Output", { loss: "huber" }),
    ],
    [
      ["input", "wide"],
      ["input", "deep1"],
      ["deep1", "deep2"],
      ["deep2", "deep_out"],
      ["wide", "sum", "in0"],
      ["deep_out", "sum", "in1"],
      ["sum", "output"],
    ],
  ),
};
