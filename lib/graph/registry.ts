import type { ComponentDefinition } from "./component";
import { adam } from "./components/adam";
import { augmentation } from "./components/augmentation";
import { datasetNode } from "./components/dataset";
import { normalize } from "./components/normalize";
import { oneHot } from "./components/one-hot";
import { split } from "./components/split";
import { adagrad } from "./components/adagrad";
import { adamW } from "./components/adamw";
import { cosineLr } from "./components/cosine-lr";
import { exponentialLr } from "./components/exponential-lr";
import { l1l2 } from "./components/l1l2";
import { reduceOnPlateau } from "./components/reduce-on-plateau";
import { rmsprop } from "./components/rmsprop";
import { sgd } from "./components/sgd";
import { stepLr } from "./components/step-lr";
import { warmupLr } from "./components/warmup-lr";
import type { LayerDefinition } from "./layer";
import { add } from "./layers/add";
import { average } from "./layers/average";
import { avgPool1d } from "./layers/avgpool1d";
import { avgPool2d } from "./layers/avgpool2d";
import { batchNorm } from "./layers/batch-norm";
import { bidirectional } from "./layers/bidirectional";
import { concatenate } from "./layers/concatenate";
import { conv1d } from "./layers/conv1d";
import { conv2d } from "./layers/conv2d";
import { conv2dTranspose } from "./layers/conv2d-transpose";
import { dense } from "./layers/dense";
import { depthwiseConv2d } from "./layers/depthwise-conv2d";
import { dropout } from "./layers/dropout";
import { elu } from "./layers/elu";
import { embedding } from "./layers/embedding";
import { flatten } from "./layers/flatten";
import { gelu } from "./layers/gelu";
import { globalAvgPool } from "./layers/global-avgpool";
import { globalMaxPool } from "./layers/global-maxpool";
import { gru } from "./layers/gru";
import { input } from "./layers/input";
import { layerNorm } from "./layers/layer-norm";
import { leakyRelu } from "./layers/leaky-relu";
import { lstm } from "./layers/lstm";
import { maxPool1d } from "./layers/maxpool1d";
import { maxPool2d } from "./layers/maxpool2d";
import { mish } from "./layers/mish";
import { multiHeadAttention } from "./layers/multi-head-attention";
import { multiply } from "./layers/multiply";
import { output } from "./layers/output";
import { permute } from "./layers/permute";
import { positionalEncoding } from "./layers/positional-encoding";
import { sampling } from "./layers/sampling";
import { prelu } from "./layers/prelu";
import { relu } from "./layers/relu";
import { reshape } from "./layers/reshape";
import { selu } from "./layers/selu";
import { separableConv2d } from "./layers/separable-conv2d";
import { sigmoid } from "./layers/sigmoid";
import { simpleRnn } from "./layers/simple-rnn";
import { softmax } from "./layers/softmax";
import { swish } from "./layers/swish";
import { tanh } from "./layers/tanh";
import { transformerEncoder } from "./layers/transformer-encoder";

// Each definition's P differs; the registry only hands them to code that parses params first.
const definitions = [
  input,
  dense,
  embedding,
  conv1d,
  conv2d,
  conv2dTranspose,
  depthwiseConv2d,
  separableConv2d,
  maxPool1d,
  avgPool1d,
  maxPool2d,
  avgPool2d,
  globalMaxPool,
  globalAvgPool,
  batchNorm,
  layerNorm,
  dropout,
  flatten,
  reshape,
  permute,
  simpleRnn,
  lstm,
  gru,
  bidirectional,
  multiHeadAttention,
  transformerEncoder,
  positionalEncoding,
  sampling,
  relu,
  leakyRelu,
  prelu,
  elu,
  selu,
  gelu,
  swish,
  mish,
  sigmoid,
  tanh,
  softmax,
  add,
  concatenate,
  multiply,
  average,
  output,
] as unknown as LayerDefinition[];

const components = [
  datasetNode,
  split,
  normalize,
  oneHot,
  augmentation,
  sgd,
  adam,
  adamW,
  rmsprop,
  adagrad,
  stepLr,
  exponentialLr,
  cosineLr,
  warmupLr,
  reduceOnPlateau,
  l1l2,
] as unknown as ComponentDefinition[];

export type NodeDefinition = LayerDefinition | ComponentDefinition;

/** Tensor layers (Input … Output). */
export const layerRegistry: ReadonlyMap<string, LayerDefinition> = new Map(definitions.map((d) => [d.type, d]));
/** Configuration nodes: optimizers, learning-rate schedules, regularizers. */
export const componentRegistry: ReadonlyMap<string, ComponentDefinition> = new Map(components.map((d) => [d.type, d]));
/** Every node type the editor offers. */
export const nodeRegistry: ReadonlyMap<string, NodeDefinition> = new Map<string, NodeDefinition>([...layerRegistry, ...componentRegistry]);

export function getLayer(type: string): LayerDefinition | undefined {
  return layerRegistry.get(type);
}

export function getComponent(type: string): ComponentDefinition | undefined {
  return componentRegistry.get(type);
}

export function getNodeDefinition(type: string): NodeDefinition | undefined {
  return nodeRegistry.get(type);
}

export function layerTypes(): string[] {
  return [...layerRegistry.keys()];
}
