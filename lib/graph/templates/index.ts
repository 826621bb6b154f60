import { convAutoencoder, denseAutoencoder, unet, vae } from "./autoencoders";
import { cnnDigits } from "./cnn-digits";
import { deepMlp, inception, lenet5, mobilenet, resnet, vgg, xception } from "./image-classifiers";
import { mlpDigits } from "./mlp-digits";
import { augmentedCnnDigits, normalizedFriedman } from "./pipelines";
import { attentionText, bilstmText, charGruStories, conv1dText, gruText, lstmText, stackedGru, transformerText } from "./sequence-classifiers";
import { logisticMoons, mlpMoons, regressionMlp, wideAndDeep } from "./tabular";
import type { ModelTemplate } from "./template";

export type { ModelTemplate } from "./template";

export const templates: readonly ModelTemplate[] = [
  mlpDigits,
  cnnDigits,
  lenet5,
  vgg,
  resnet,
  mobilenet,
  xception,
  inception,
  deepMlp,
  unet,
  convAutoencoder,
  denseAutoencoder,
  vae,
  lstmText,
  gruText,
  stackedGru,
  bilstmText,
  transformerText,
  charGruStories,
  attentionText,
  conv1dText,
  logisticMoons,
  mlpMoons,
  regressionMlp,
  wideAndDeep,
  augmentedCnnDigits,
  normalizedFriedman,
];

export function findTemplate(id: string): ModelTemplate | undefined {
  return templates.find((t) => t.id === id);
}
