import type { LayerDefinition } from "./layer";
import { conv2d } from "./layers/conv2d";
import { dense } from "./layers/dense";
import { dropout } from "./layers/dropout";
import { flatten } from "./layers/flatten";
import { input } from "./layers/input";
import { maxPool2d } from "./layers/maxpool2d";
import { output } from "./layers/output";
import { relu } from "./layers/relu";
import { sigmoid } from "./layers/sigmoid";
import { softmax } from "./layers/softmax";
import { tanh } from "./layers/tanh";

// Each definition's P differs; the registry only hands them to code that parses params first.
const definitions = [input, dense, conv2d, maxPool2d, flatten, dropout, relu, sigmoid, tanh, softmax, output] as unknown as LayerDefinition[];

export const layerRegistry: ReadonlyMap<string, LayerDefinition> = new Map(definitions.map((d) => [d.type, d]));

export function getLayer(type: string): LayerDefinition | undefined {
  return layerRegistry.get(type);
}

export function layerTypes(): string[] {
  return [...layerRegistry.keys()];
}
