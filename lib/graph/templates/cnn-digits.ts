import { chain, type ModelTemplate } from "./template";

export const cnnDigits: ModelTemplate = {
  id: "cnn-digits",
  name: "Small CNN · handwritten digits",
  description: "Two convolution + max-pool stages and a dense head (LeNet-like). Slower per epoch, more accurate.",
  dataset: "mnist-digits",
  hyperparameters: { epochs: 4, batchSize: 64, learningRate: 0.001, optimizer: "adam" },
  graph: chain("CNN digits", [
    { id: "input", type: "Input", params: { shape: [28, 28, 1] } },
    { id: "conv1", type: "Conv2D", params: { filters: 8, kernelSize: 5, activation: "relu" } },
    { id: "pool1", type: "MaxPool2D", params: { poolSize: 2, strides: 2 } },
    { id: "conv2", type: "Conv2D", params: { filters: 16, kernelSize: 5, activation: "relu" } },
    { id: "pool2", type: "MaxPool2D", params: { poolSize: 2, strides: 2 } },
    { id: "flatten", type: "Flatten", params: {} },
    { id: "dropout", type: "Dropout", params: { rate: 0.25 } },
    { id: "dense", type: "Dense", params: { units: 10, activation: "softmax" } },
    { id: "output", type: "Output", params: { loss: "categoricalCrossentropy" } },
  ]),
};
