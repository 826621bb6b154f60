import { chain, dag, node, type ModelTemplate } from "./template";

const reconstruction = { dataset: "mnist-reconstruction" } as const;
const input = node("input", "Input", { shape: [28, 28, 1] });
const output = node("output", "Output", { loss: "meanSquaredError" });

export const unet: ModelTemplate = {
  ...reconstruction,
  id: "unet-digits",
  name: "U-Net autoencoder · digits",
  description: "An encoder-decoder with skip connections: pooling down, transposed convolutions up, encoder features concatenated back in.",
  hyperparameters: { epochs: 3, batchSize: 32, learningRate: 0.002, optimizer: "adam" },
  graph: dag(
    "U-Net autoencoder",
    [
      input,
      node("enc1", "Conv2D", { filters: 16, kernelSize: 3, padding: "same", activation: "relu" }),
      node("down1", "MaxPool2D", { poolSize: 2 }),
      node("enc2", "Conv2D", { filters: 32, kernelSize: 3, padding: "same", activation: "relu" }),
      node("down2", "MaxPool2D", { poolSize: 2 }),
      node("bottleneck", "Conv2D", { filters: 64, kernelSize: 3, padding: "same", activation: "relu" }),
      node("up2", "Conv2DTranspose", { filters: 32, kernelSize: 3, strides: 2, padding: "same", activation: "relu" }),
      node("skip2", "Concatenate"),
      node("dec2", "Conv2D", { filters: 32, kernelSize: 3, padding: "same", activation: "relu" }),
      node("up1", "Conv2DTranspose", { filters: 16, kernelSize: 3, strides: 2, padding: "same", activation: "relu" }),
      node("skip1", "Concatenate"),
      node("dec1", "Conv2D", { filters: 16, kernelSize: 3, padding: "same", activation: "relu" }),
      node("pixels", "Conv2D", { filters: 1, kernelSize: 1, activation: "sigmoid" }),
      output,
    ],
    [
      ["input", "enc1"],
      ["enc1", "down1"],
      ["down1", "enc2"],
      ["enc2", "down2"],
      ["down2", "bottleneck"],
      ["bottleneck", "up2"],
      ["up2", "skip2", "in0"],
      ["enc2", "skip2", "in1"],
      ["skip2", "dec2"],
      ["dec2", "up1"],
      ["up1", "skip1", "in0"],
      ["enc1", "skip1", "in1"],
      ["skip1", "dec1"],
      ["dec1", "pixels"],
      ["pixels", "output"],
    ],
  ),
};

export const convAutoencoder: ModelTemplate = {
  ...reconstruction,
  id: "conv-autoencoder-digits",
  name: "Convolutional autoencoder · digits",
  description: "Strided convolutions squeeze each digit to a 7×7×8 code; transposed convolutions draw it again.",
  hyperparameters: { epochs: 3, batchSize: 32, learningRate: 0.002, optimizer: "adam" },
  graph: chain("Convolutional autoencoder", [
    input,
    node("enc1", "Conv2D", { filters: 16, kernelSize: 3, strides: 2, padding: "same", activation: "relu" }),
    node("code", "Conv2D", { filters: 8, kernelSize: 3, strides: 2, padding: "same", activation: "relu" }),
    node("dec1", "Conv2DTranspose", { filters: 16, kernelSize: 3, strides: 2, padding: "same", activation: "relu" }),
    node("dec2", "Conv2DTranspose", { filters: 8, kernelSize: 3, strides: 2, padding: "same", activation: "relu" }),
    node("pixels", "Conv2D", { filters: 1, kernelSize: 3, padding: "same", activation: "sigmoid" }),
    output,
  ]),
};

export const denseAutoencoder: ModelTemplate = {
  ...reconstruction,
  id: "dense-autoencoder-digits",
  name: "Dense autoencoder · digits",
  description: "784 → 128 → 32 → 128 → 784: the bottleneck learns a 32-number code for each digit.",
  hyperparameters: { epochs: 5, batchSize: 32, learningRate: 0.002, optimizer: "adam" },
  graph: chain("Dense autoencoder", [
    input,
    node("flatten", "Flatten"),
    node("enc", "Dense", { units: 128, activation: "relu" }),
    node("code", "Dense", { units: 32, activation: "relu" }),
    node("dec", "Dense", { units: 128, activation: "relu" }),
    node("pixels", "Dense", { units: 784, activation: "sigmoid" }),
    node("image", "Reshape", { targetShape: [28, 28, 1] }),
    output,
  ]),
};

export const vae: ModelTemplate = {
  ...reconstruction,
  id: "vae-digits",
  name: "Variational autoencoder (VAE) · digits",
  description: "A convolutional encoder maps each digit to the mean and log-variance of an 8-number code; Sampling draws from it (adding the KL term) and the decoder redraws the digit.",
  hyperparameters: { epochs: 3, batchSize: 32, learningRate: 0.002, optimizer: "adam" },
  graph: dag(
    "Variational autoencoder",
    [
      input,
      node("enc1", "Conv2D", { filters: 16, kernelSize: 3, strides: 2, padding: "same", activation: "relu" }),
      node("enc2", "Conv2D", { filters: 32, kernelSize: 3, strides: 2, padding: "same", activation: "relu" }),
      node("flatten", "Flatten"),
      node("features", "Dense", { units: 64, activation: "relu" }),
      node("mean", "Dense", { units: 8 }),
      node("log_var", "Dense", { units: 8 }),
      // KL is summed over the code and the reconstruction error averaged over pixels: a small β balances them.
      node("z", "Sampling", { klWeight: 0.002 }),
      node("dec1", "Dense", { units: 7 * 7 * 32, activation: "relu" }),
      node("grid", "Reshape", { targetShape: [7, 7, 32] }),
      node("up1", "Conv2DTranspose", { filters: 16, kernelSize: 3, strides: 2, padding: "same", activation: "relu" }),
      node("pixels", "Conv2DTranspose", { filters: 1, kernelSize: 3, strides: 2, padding: "same", activation: "sigmoid" }),
      output,
    ],
    [
      ["input", "enc1"],
      ["enc1", "enc2"],
      ["enc2", "flatten"],
      ["flatten", "features"],
      ["features", "mean"],
      ["features", "log_var"],
      ["mean", "z", "in0"],
      ["log_var", "z", "in1"],
      ["z", "dec1"],
      ["dec1", "grid"],
      ["grid", "up1"],
      ["up1", "pixels"],
      ["pixels", "output"],
    ],
  ),
};
