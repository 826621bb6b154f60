import { chain, node, type ModelTemplate } from "./template";

const topics = { dataset: "token-topics" } as const;
const input = node("tokens", "Input", { shape: [24], dtype: "int32" });
const embedding = node("embedding", "Embedding", { inputDim: 32, outputDim: 32 });
const head = [node("topics", "Dense", { units: 4, activation: "softmax" }), node("output", "Output", { loss: "categoricalCrossentropy" })];
const settings = { epochs: 6, batchSize: 32, learningRate: 0.005, optimizer: "adam" } as const;

export const lstmText: ModelTemplate = {
  ...topics,
  id: "lstm-topics",
  name: "LSTM text classifier",
  description: "Token embeddings read by an LSTM whose last state picks the topic.",
  hyperparameters: settings,
  graph: chain("LSTM text classifier", [input, embedding, node("lstm", "LSTM", { units: 32 }), ...head]),
};

export const gruText: ModelTemplate = {
  ...topics,
  id: "gru-topics",
  name: "GRU text classifier",
  description: "Token embeddings read by a GRU (fewer gates than an LSTM, often as good).",
  hyperparameters: settings,
  graph: chain("GRU text classifier", [input, embedding, node("gru", "GRU", { units: 32 }), ...head]),
};

export const stackedGru: ModelTemplate = {
  ...topics,
  id: "stacked-gru-topics",
  name: "Stacked GRU text classifier",
  description: "Two GRUs, the first returning every step to the second.",
  hyperparameters: settings,
  graph: chain("Stacked GRU", [input, embedding, node("gru1", "GRU", { units: 32, returnSequences: true }), node("gru2", "GRU", { units: 32 }), ...head]),
};

export const bilstmText: ModelTemplate = {
  ...topics,
  id: "bilstm-topics",
  name: "Bidirectional LSTM text classifier",
  description: "An LSTM read forwards and backwards, both views concatenated.",
  hyperparameters: settings,
  graph: chain("Bidirectional LSTM", [input, embedding, node("bilstm", "Bidirectional", { cell: "LSTM", units: 24 }), ...head]),
};

export const transformerText: ModelTemplate = {
  ...topics,
  id: "transformer-topics",
  name: "Transformer encoder classifier",
  description: "Embeddings plus positional encoding through a transformer encoder block, averaged over the sequence.",
  hyperparameters: settings,
  graph: chain("Transformer encoder classifier", [
    input,
    embedding,
    node("positions", "PositionalEncoding"),
    node("encoder", "TransformerEncoder", { numHeads: 4, ffDim: 64, dropout: 0.1 }),
    node("pool", "GlobalAvgPool"),
    ...head,
  ]),
};

export const attentionText: ModelTemplate = {
  ...topics,
  id: "attention-topics",
  name: "Self-attention classifier",
  description: "Multi-head self-attention over the embeddings, LayerNorm, then max-pooling over the sequence.",
  hyperparameters: settings,
  graph: chain("Self-attention classifier", [input, embedding, node("attention", "MultiHeadAttention", { numHeads: 4 }), node("norm", "LayerNorm"), node("pool", "GlobalMaxPool"), ...head]),
};

export const conv1dText: ModelTemplate = {
  ...topics,
  id: "conv1d-topics",
  name: "1-D CNN text classifier",
  description: "Convolutions over token windows and global max-pooling: fast n-gram detectors.",
  hyperparameters: settings,
  graph: chain("1-D CNN text classifier", [
    input,
    embedding,
    node("conv1", "Conv1D", { filters: 32, kernelSize: 3, padding: "same", activation: "relu" }),
    node("pool1", "MaxPool1D", { poolSize: 2 }),
    node("conv2", "Conv1D", { filters: 32, kernelSize: 3, activation: "relu" }),
    node("pool", "GlobalMaxPool"),
    ...head,
  ]),
};

export const charGruStories: ModelTemplate = {
  dataset: "tiny-stories",
  id: "char-gru-stories",
  name: "Character-level GRU language model",
  description: "Reads 16 characters and predicts the next one; deployed, it completes and chats through the OpenAI-compatible API.",
  hyperparameters: { epochs: 3, batchSize: 64, learningRate: 0.01, optimizer: "adam" },
  graph: chain("Character GRU language model", [
    node("characters", "Input", { shape: [16], dtype: "int32" }),
    node("embedding", "Embedding", { inputDim: 25, outputDim: 16 }),
    node("gru", "GRU", { units: 48 }),
    node("next", "Dense", { units: 25, activation: "softmax" }),
    node("output", "Output", { loss: "categoricalCrossentropy" }),
  ]),
};
