import { zipSync } from "fflate";
import { withWeightsPath } from "./export";

/**
 * A trained model as one download: model.json plus weights.bin in a zip, loadable with
 * tf.loadLayersModel once unpacked (the manifest points at the file beside it).
 */
export function zipModel(modelJson: Record<string, unknown>, weights: Uint8Array): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(withWeightsPath(modelJson, "weights.bin"), null, 1));
  return zipSync({ "model.json": json, "weights.bin": weights }, { level: 6 });
}
