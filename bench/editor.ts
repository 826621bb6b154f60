import { spawn } from "node:child_process";
import { chromium, type Page } from "playwright-core";
import { fromExecutionGraph, serializeDocument } from "../lib/editor/document";
import { autoLayout } from "../lib/editor/layout";
import { analyzeGraph } from "../lib/graph/analyze";
import { GRAPH_FORMAT, GRAPH_VERSION, type GraphEdge, type GraphNode, type ModelGraph } from "../lib/graph/types";
import { ensureEngineBuild } from "../scripts/engine-build";
import { REPO_ROOT } from "../tests/helpers/server-process";
import { CHROMIUM_ARGS, findChromium } from "../worker/find-chromium";
import type { Benchmark } from "./run";

/** A residual network of about n nodes: blocks of Dense → LayerNorm → Add(skip). */
export function residualGraph(n: number): ModelGraph {
  const nodes: GraphNode[] = [{ id: "input", type: "Input", params: { shape: [64] } }];
  const edges: GraphEdge[] = [];
  let tip = "input";
  for (let b = 0; nodes.length + 3 < n; b++) {
    nodes.push({ id: `dense${b}`, type: "Dense", params: { units: 64, activation: "relu" } }, { id: `norm${b}`, type: "LayerNorm", params: {} }, { id: `add${b}`, type: "Add", params: {} });
    edges.push(
      { source: tip, target: `dense${b}` },
      { source: `dense${b}`, target: `norm${b}` },
      { source: `norm${b}`, target: `add${b}`, targetHandle: "in0" },
      { source: tip, target: `add${b}`, targetHandle: "in1" },
    );
    tip = `add${b}`;
  }
  nodes.push({ id: "output", type: "Output", params: { loss: "meanSquaredError" } });
  edges.push({ source: tip, target: "output" });
  return { format: GRAPH_FORMAT, version: GRAPH_VERSION, name: `residual ${nodes.length}`, nodes, edges };
}

function medianMs(runs: number, fn: () => void): number {
  for (let i = 0; i < 5; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)] as number;
}

/**
 * Frames the page draws per second while the pointer drags for `seconds`: the empty pane (a pan,
 * with a zoom now and then) or, with a node selector, that node.
 */
async function dragFps(page: Page, seconds: number, nodeSelector?: string): Promise<number> {
  const pane = await page.locator(".react-flow__pane").boundingBox();
  const box = nodeSelector ? await page.locator(nodeSelector).boundingBox() : pane;
  if (!box || !pane) throw new Error("no canvas");
  // Plain script text: tsx's helpers (__name) do not exist inside the page.
  await page.evaluate(`window.frames_ = 0; window.counting = true;
    (function tick() { window.frames_++; if (window.counting) requestAnimationFrame(tick); })();`);
  // The empty pane is grabbed near its left edge (the graph sits in the middle), so that it pans.
  const cx = nodeSelector ? box.x + box.width / 2 : box.x + 160;
  const cy = box.y + box.height / 2;
  const started = Date.now();
  await page.mouse.move(cx, cy);
  await page.mouse.down();
  for (let i = 0; Date.now() - started < seconds * 1000; i++) {
    await page.mouse.move(cx + 120 * Math.sin(i / 10), cy + 100 * Math.cos(i / 13), { steps: 2 });
    if (!nodeSelector && i % 40 === 20) await page.mouse.wheel(0, i % 80 === 20 ? -120 : 120);
  }
  await page.mouse.up();
  const elapsed = (Date.now() - started) / 1000;
  const frames = (await page.evaluate("window.counting = false; window.frames_")) as number;
  return frames / elapsed;
}

/** Bytes of JavaScript a route loads. */
async function routeScriptKb(page: Page, url: string): Promise<number> {
  let bytes = 0;
  const counting = (response: import("playwright-core").Response) => {
    if (response.request().resourceType() === "script")
      void response.body().then(
        (b) => (bytes += b.length),
        () => undefined,
      );
  };
  page.on("response", counting);
  await page.goto(url, { waitUntil: "networkidle" });
  page.off("response", counting);
  return Math.round(bytes / 1024);
}

export const editorBenchmark: Benchmark = {
  name: "editor",
  description: "graph analysis at 500 nodes, canvas frame rate at 300 nodes, editor JavaScript size",
  async run(log) {
    const big = residualGraph(500);
    const validate = medianMs(50, () => analyzeGraph(big));
    const copy = medianMs(50, () => JSON.parse(JSON.stringify(big)));
    log(`validate ${big.nodes.length} nodes: ${validate.toFixed(2)} ms (JSON round trip of the same graph: ${copy.toFixed(2)} ms)`);

    const chromiumPath = findChromium();
    if (!chromiumPath) return { validate_500_nodes_ms: validate, reference_json_roundtrip_500_nodes_ms: copy, note: "no Chromium: browser measurements skipped" };
    ensureEngineBuild(log);
    const port = 3_400 + Math.floor(Math.random() * 500);
    const engine = spawn(`${REPO_ROOT}/node_modules/.bin/next`, ["start", "-p", String(port), "-H", "127.0.0.1"], {
      cwd: REPO_ROOT,
      stdio: "ignore",
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
    });
    const browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS.filter((a) => a !== "--headless=new") });
    try {
      const base = `http://127.0.0.1:${port}`;
      for (let i = 0; i < 60; i++) {
        if (
          await fetch(base).then(
            (r) => r.ok,
            () => false,
          )
        )
          break;
        await new Promise((r) => setTimeout(r, 500));
      }
      const measure = async (nodes: number) => {
        const doc = fromExecutionGraph(residualGraph(nodes));
        const laid = { ...doc, nodes: doc.nodes.map((n) => ({ ...n, position: autoLayout(doc)[n.id] ?? n.position })) };
        const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
        await page.addInitScript(`localStorage.setItem("cyxwiz.editor.autosave", ${JSON.stringify(serializeDocument(laid))})`);
        await page.goto(`${base}/editor`);
        await page
          .locator(".react-flow__node")
          .nth(laid.nodes.length - 1)
          .waitFor({ state: "attached", timeout: 60_000 });
        await page.waitForTimeout(1000);
        const pan = await dragFps(page, 4);
        const drag = await dragFps(page, 3, '[data-node-id="dense5"]');
        await page.close();
        return { pan, drag };
      };
      const big = await measure(300);
      const small = await measure(50);
      log(`pan/zoom: ${big.pan.toFixed(1)} fps at 300 nodes (${small.pan.toFixed(1)} at 50); dragging a node: ${big.drag.toFixed(1)} fps (${small.drag.toFixed(1)})`);
      const page = await browser.newPage();
      const editorKb = await routeScriptKb(page, `${base}/editor`);
      const homeKb = await routeScriptKb(page, `${base}/`);
      log(`JavaScript: editor ${editorKb} KiB, home page ${homeKb} KiB`);
      return {
        validate_500_nodes_ms: Number(validate.toFixed(3)),
        reference_json_roundtrip_500_nodes_ms: Number(copy.toFixed(3)),
        pan_fps_300_nodes: Number(big.pan.toFixed(1)),
        reference_pan_fps_50_nodes: Number(small.pan.toFixed(1)),
        drag_node_fps_300_nodes: Number(big.drag.toFixed(1)),
        reference_drag_node_fps_50_nodes: Number(small.drag.toFixed(1)),
        editor_js_kb: editorKb,
        reference_home_js_kb: homeKb,
        browser: `headless Chromium ${browser.version()} (software rendering)`,
      };
    } finally {
      await browser.close();
      engine.kill("SIGTERM");
    }
  },
};
