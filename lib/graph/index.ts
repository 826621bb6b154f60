export { analyzeGraph, type AnalyzedNode, type GraphAnalysis } from "./analyze";
export { checkDatasetFit, fitDataset, type DatasetChoice, type DatasetFit } from "./dataset-fit";
export type { LayerDefinition } from "./layer";
export { parseGraph, type ParseResult } from "./parse";
export { prepareGraph, prepareParsedGraph, type PreparedGraph, type UnparsableGraph } from "./prepare";
export { getLayer, layerRegistry, layerTypes } from "./registry";
export { findTemplate, templates, type ModelTemplate } from "./templates";
export * from "./types";
