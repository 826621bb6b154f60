export { analyzeGraph, type AnalyzedNode, type GraphAnalysis } from "./analyze";
export { checkDatasetFit } from "./dataset-fit";
export type { LayerDefinition } from "./layer";
export { parseGraph, type ParseResult } from "./parse";
export { getLayer, layerRegistry, layerTypes } from "./registry";
export { findTemplate, templates, type ModelTemplate } from "./templates";
export * from "./types";
