import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { pythonWithTorch } from "../../tests/helpers/python";
import { randomGraph } from "../../tests/helpers/random-graph";
import { REPO_ROOT } from "../../tests/helpers/server-process";
import { analyzeGraph } from "../graph/analyze";
import { compileGraph } from "../train/compile";
import { tf } from "../train/runtime-tf";
import { disposeModel } from "../train/train-loop";
import { generateCode } from "./index";

const SEEDS = Array.from({ length: 40 }, (_, i) => 1000 + i);
const OUT = path.join(REPO_ROOT, "test-results", "random-graphs");

/** Property: any valid graph compiles, trains a step, and exports code with the same parameter count. */
describe("random valid graphs", () => {
  const torch: Record<number, { params?: number; error?: string }> = {};

  beforeAll(async () => {
    await tf.setBackend("wasm");
    mkdirSync(OUT, { recursive: true });
    const files = SEEDS.map((seed) => {
      const file = path.join(OUT, `graph_${seed}.py`);
      writeFileSync(file, generateCode(randomGraph(seed), "pytorch"));
      return { seed, file };
    });
    const driver = `
import importlib.util, json, sys, torch
for entry in json.loads(sys.argv[1]):
    try:
        spec = importlib.util.spec_from_file_location("g", entry["file"])
        m = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(m)
        m.model(*m.example_inputs())
        print(json.dumps({"seed": entry["seed"], "params": sum(p.numel() for p in m.model.parameters() if p.requires_grad)}))
    except Exception as error:
        print(json.dumps({"seed": entry["seed"], "error": repr(error)}))
`;
    const out = execFileSync(pythonWithTorch(), ["-c", driver, JSON.stringify(files)], { encoding: "utf8", maxBuffer: 16 * 1024 * 1024 });
    for (const line of out.trim().split("\n")) {
      const row = JSON.parse(line) as { seed: number; params?: number; error?: string };
      torch[row.seed] = row;
    }
  }, 120_000);

  it.each(SEEDS)("seed %i: is valid, trains a step, and matches in PyTorch and tfjs code", async (seed) => {
    const graph = randomGraph(seed);
    const analysis = analyzeGraph(graph);
    expect(analysis.issues).toEqual([]);

    const { model } = compileGraph(tf, { graph, analysis }, { epochs: 1, batchSize: 4, learningRate: 0.01, optimizer: "adam", validationSplit: 0, seed });
    const input = graph.nodes[0]?.params as { shape: number[]; dtype?: string };
    const x = input.dtype === "int32" ? tf.randomUniform([4, ...input.shape], 0, 12, "int32") : tf.randomNormal([4, ...input.shape]);
    const y = tf.randomNormal([4, ...(model.outputs[0]?.shape.slice(1) as number[])]);
    const loss = await model.trainOnBatch(x, y);
    expect(Number.isFinite(Array.isArray(loss) ? loss[0] : loss)).toBe(true);
    tf.dispose([x, y]);
    disposeModel(model);

    expect(torch[seed]?.error).toBeUndefined();
    expect(torch[seed]?.params).toBe(analysis.totalParams);

    const file = path.join(OUT, `graph_${seed}.mjs`);
    writeFileSync(file, generateCode(graph, "tfjs"));
    const generated = ((await import(pathToFileURL(file).href)) as { model: tf.LayersModel }).model;
    expect(generated.trainableWeights.reduce((n, w) => n + w.shape.reduce<number>((a, d) => a * (d ?? 1), 1), 0)).toBe(analysis.totalParams);
    disposeModel(generated);
  });
});
