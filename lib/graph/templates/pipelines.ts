import { dag, node, type ModelTemplate } from "./template";

/**
 * Templates that carry their whole training setup on the canvas: the data pipeline into the
 * Input, and the optimizer (with its schedule) on the Output.
 */

export const augmentedCnnDigits: ModelTemplate = {
  dataset: "mnist-digits",
  id: "augmented-cnn-digits",
  name: "Augmented CNN · digits, data and optimizer on the canvas",
  description: "Digits shifted by up to 2 pixels each batch (never flipped: a mirrored 2 is not a 2), a held-out test part, AdamW on a cosine schedule.",
  hyperparameters: { epochs: 4, batchSize: 64, learningRate: 0.001, optimizer: "adam" },
  graph: dag(
    "Augmented CNN digits",
    [
      node("data", "Dataset", { name: "mnist-digits" }),
      node("split", "Split", { validation: 0.1, test: 0.1 }),
      node("augment", "Augmentation", { flipHorizontal: false, maxShift: 2 }),
      node("input", "Input", { shape: [28, 28, 1] }),
      node("conv1", "Conv2D", { filters: 8, kernelSize: 3, activation: "relu" }),
      node("pool1", "MaxPool2D", { poolSize: 2 }),
      node("conv2", "Conv2D", { filters: 16, kernelSize: 3, activation: "relu" }),
      node("pool2", "MaxPool2D", { poolSize: 2 }),
      node("flatten", "Flatten"),
      node("dense", "Dense", { units: 10, activation: "softmax" }),
      node("output", "Output", { loss: "categoricalCrossentropy" }),
      node("optimizer", "AdamW", { learningRate: 0.002, weightDecay: 0.01 }),
      node("schedule", "CosineLR", { minLearningRate: 0.0002 }),
    ],
    [
      ["data", "split", "data"],
      ["split", "augment", "data"],
      ["augment", "input", "data"],
      ["input", "conv1"],
      ["conv1", "pool1"],
      ["pool1", "conv2"],
      ["conv2", "pool2"],
      ["pool2", "flatten"],
      ["flatten", "dense"],
      ["dense", "output"],
      ["optimizer", "output", "optimizer"],
      ["schedule", "optimizer", "schedule"],
    ],
  ),
};

export const normalizedFriedman: ModelTemplate = {
  dataset: "friedman1",
  id: "normalized-friedman",
  name: "Normalized regression · Friedman #1, SGD with step decay",
  description: "Features standardised with training-set statistics, SGD with Nesterov momentum halving its step every 10 epochs, L2 on the hidden layers.",
  hyperparameters: { epochs: 30, batchSize: 32, learningRate: 0.01, optimizer: "sgd" },
  graph: dag(
    "Normalized regression",
    [
      node("data", "Dataset", { name: "friedman1" }),
      node("split", "Split", { validation: 0.15, test: 0.15 }),
      node("normalize", "Normalize", { method: "standard", over: "feature" }),
      node("input", "Input", { shape: [10] }),
      node("hidden1", "Dense", { units: 64, activation: "relu" }),
      node("hidden2", "Dense", { units: 32, activation: "relu" }),
      node("prediction", "Dense", { units: 1 }),
      node("output", "Output", { loss: "meanSquaredError" }),
      node("optimizer", "SGD", { learningRate: 0.01, momentum: 0.9, nesterov: true }),
      node("schedule", "StepLR", { stepSize: 10, gamma: 0.5 }),
      node("l2", "L1L2", { l1: 0, l2: 0.0001 }),
    ],
    [
      ["data", "split", "data"],
      ["split", "normalize", "data"],
      ["normalize", "input", "data"],
      ["input", "hidden1"],
      ["hidden1", "hidden2"],
      ["hidden2", "prediction"],
      ["prediction", "output"],
      ["optimizer", "output", "optimizer"],
      ["schedule", "optimizer", "schedule"],
      ["l2", "hidden1", "regularizer"],
      ["l2", "hidden2", "regularizer"],
    ],
  ),
};
