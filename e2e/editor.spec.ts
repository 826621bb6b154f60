import { readFile } from "node:fs/promises";
import { expect, test, type Locator, type Page } from "@playwright/test";

/** Drags a palette entry onto the canvas at (x, y) relative to the canvas's top-left corner. */
async function dropLayer(page: Page, type: string, x: number, y: number): Promise<void> {
  const canvas = page.getByTestId("canvas");
  await page.locator(`[data-layer="${type}"]`).dragTo(canvas, { targetPosition: { x, y } });
}

const node = (page: Page, id: string) => page.locator(`[data-node-id="${id}"]`);

/** Connects two nodes by dragging from the source's output handle to the target's first input handle. */
async function connect(page: Page, from: string, to: string): Promise<void> {
  await node(page, from).locator(".react-flow__handle.source").dragTo(node(page, to).locator(".react-flow__handle.target").first());
}

async function setParam(page: Page, name: string, value: string): Promise<void> {
  const field = page.getByLabel(name, { exact: true });
  await field.fill(value);
  await field.press("Enter");
}

/** Brings a workspace panel to the front by its tab. */
async function showTab(page: Page, title: string): Promise<void> {
  await page.locator(".dv-tab").filter({ hasText: title }).click();
}

async function select(page: Page, id: string): Promise<Locator> {
  const target = node(page, id);
  await target.click();
  return target;
}

test.use({ viewport: { width: 1600, height: 1000 } });

test("a person draws a CNN from the palette, fixes a shape error, keeps their work, exports code and trains it locally", async ({ page }) => {
  await page.goto("/editor");
  await page.getByRole("button", { name: "New", exact: true }).click();

  const layers: [string, string, number, number][] = [
    ["Input", "input", 150, 40],
    ["Conv2D", "conv2d", 150, 220],
    ["MaxPool2D", "max_pool2d", 150, 400],
    ["Flatten", "flatten", 470, 40],
    ["Dense", "dense", 470, 220],
    ["Output", "output", 470, 400],
  ];
  for (const [type, id, x, y] of layers) {
    await dropLayer(page, type, x, y);
    await expect(node(page, id)).toBeVisible();
  }
  // The minimap draws every node of the graph.
  await expect(page.locator(".react-flow__minimap-node")).toHaveCount(layers.length);

  await select(page, "input");
  await setParam(page, "shape", "28, 28, 1");
  await select(page, "conv2d");
  await setParam(page, "filters", "8");
  await page.getByLabel("activation", { exact: true }).selectOption("relu");
  await select(page, "dense");
  await setParam(page, "units", "10");
  await page.getByLabel("activation", { exact: true }).selectOption("softmax");

  for (const [from, to] of [
    ["input", "conv2d"],
    ["conv2d", "max_pool2d"],
    ["max_pool2d", "flatten"],
    ["flatten", "dense"],
    ["dense", "output"],
  ] as const) {
    await connect(page, from, to);
  }
  await expect(page.locator(".react-flow__edge")).toHaveCount(5);
  await expect(page.getByTestId("problems")).toContainText("No problems");
  await expect(node(page, "flatten").getByTestId("node-shape")).toHaveText("[1352]");

  // A flat input cannot feed a 2-D convolution: the error appears on the node, and goes with undo.
  await select(page, "input");
  await setParam(page, "shape", "784");
  await expect(node(page, "conv2d").locator(".layer-error")).toContainText("rank 3");
  await page.locator(".react-flow__pane").click({ position: { x: 5, y: 5 } });
  await page.keyboard.press("Control+z");
  await expect(node(page, "conv2d").locator(".layer-error")).toHaveCount(0);
  await page.keyboard.press("Control+Shift+z");
  await expect(node(page, "conv2d").locator(".layer-error")).toHaveCount(1);
  await page.keyboard.press("Control+z");
  await expect(page.getByTestId("problems")).toContainText("No problems");

  // Incompatible connections are refused with a reason.
  await dropLayer(page, "LSTM", 790, 220);
  await connect(page, "input", "lstm");
  await expect(page.getByTestId("toast")).toContainText("LSTM cannot take [28, 28, 1]");
  await select(page, "lstm");
  await page.keyboard.press("Delete");
  await expect(node(page, "lstm")).toHaveCount(0);

  // Saved to a file and opened again, and kept across a reload.
  const [saved] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Save file" }).click()]);
  const file = await saved.path();
  await page.reload();
  await expect(node(page, "dense")).toBeVisible();
  await expect(page.locator(".react-flow__edge")).toHaveCount(5);
  await page.getByRole("button", { name: "New", exact: true }).click();
  await expect(page.locator(".react-flow__node")).toHaveCount(0);
  const [chooser] = await Promise.all([page.waitForEvent("filechooser"), page.getByRole("button", { name: "Open…" }).click()]);
  await chooser.setFiles(file);
  await expect(page.locator(".react-flow__node")).toHaveCount(6);

  // A foreign file is refused and the current model stays.
  const [foreign] = await Promise.all([page.waitForEvent("filechooser"), page.getByRole("button", { name: "Open…" }).click()]);
  await foreign.setFiles({ name: "other.json", mimeType: "application/json", buffer: Buffer.from('{"format":"onnx"}') });
  await expect(page.getByTestId("toast")).toContainText("not a CyxWiz model");
  await expect(page.locator(".react-flow__node")).toHaveCount(6);

  // Saved to the server, revised, and opened again from there.
  await page.getByLabel("Model name").fill("E2E CNN");
  await page.getByLabel("Model name").press("Enter");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByTestId("save-state")).toHaveText("saved · rev 1");
  await select(page, "conv2d");
  await setParam(page, "filters", "6");
  await expect(page.getByTestId("save-state")).toHaveText("unsaved changes");
  await page.locator(".react-flow__pane").click({ position: { x: 5, y: 5 } });
  await page.keyboard.press("Control+s");
  await expect(page.getByTestId("save-state")).toHaveText("saved · rev 2");
  await page.getByRole("button", { name: "New", exact: true }).click();
  await page.getByRole("button", { name: "Open saved…" }).click();
  await page.getByTestId("saved-graph-E2E CNN").getByRole("button", { name: "Open" }).click();
  await expect(page.locator(".react-flow__node")).toHaveCount(6);
  await expect(page.getByTestId("save-state")).toHaveText("saved · rev 2");
  await select(page, "conv2d");
  await expect(page.getByLabel("filters", { exact: true })).toHaveValue("6");
  await setParam(page, "filters", "8");

  // Training is configured on the canvas too: an AdamW node plugged into the Output's optimizer input.
  await dropLayer(page, "AdamW", 790, 220);
  await node(page, "adam_w").locator(".react-flow__handle.source").dragTo(node(page, "output").locator(".react-flow__handle.handle-optimizer"));
  await expect(page.locator(".react-flow__edge")).toHaveCount(6);
  await expect(page.getByTestId("problems")).toContainText("No problems");

  // The data comes from the canvas as well: a Dataset feeding the Input, checked against the model.
  await dropLayer(page, "Dataset", 790, 40);
  await node(page, "dataset").locator(".react-flow__handle.source").dragTo(node(page, "input").locator(".react-flow__handle.handle-data"));
  await expect(page.getByTestId("problems")).toContainText("No problems");
  await select(page, "dataset");
  await setParam(page, "name", "two-moons");
  await expect(node(page, "input").locator(".layer-error")).toContainText('does not match dataset "two-moons"');
  await page.locator(".react-flow__pane").click({ position: { x: 5, y: 5 } });
  await page.keyboard.press("Control+z");
  await expect(page.getByTestId("problems")).toContainText("No problems");

  // A convolution and its pooling grouped into a block, collapsed to one node with pins, saved for reuse, ungrouped.
  await select(page, "conv2d");
  await node(page, "max_pool2d").click({ modifiers: ["Control"] });
  await page.keyboard.press("Control+g");
  await expect(page.getByTestId("frame-group")).toBeVisible();
  await page.getByRole("button", { name: "Collapse Block 1" }).click();
  await expect(page.getByTestId("block-group")).toBeVisible();
  await expect(node(page, "conv2d")).toHaveCount(0);
  await expect(page.locator(".react-flow__edge")).toHaveCount(6);
  await expect(page.getByTestId("problems")).toContainText("No problems");
  await page.getByTestId("block-group").click();
  await page.getByRole("button", { name: "Save as block" }).click();
  await expect(page.getByRole("region", { name: "Your blocks" })).toContainText("Block 1");
  await page.keyboard.press("Control+Shift+g");
  await expect(node(page, "conv2d")).toBeVisible();
  await expect(page.getByTestId("block-group")).toHaveCount(0);
  await expect(page.locator(".react-flow__edge")).toHaveCount(7);

  // Code for every framework, downloadable.
  await showTab(page, "Code");
  await expect(page.getByTestId("generated-code")).toContainText("class Model(nn.Module)");
  const [code] = await Promise.all([page.waitForEvent("download"), page.getByTestId("download-code").click()]);
  const pytorch = await readFile(await code.path(), "utf8");
  expect(pytorch).toContain("nn.Conv2d(1, 8, (3, 3))");
  expect(pytorch).toContain("torch.optim.AdamW(");
  await page.getByRole("tab", { name: "Keras (TensorFlow)" }).click();
  await expect(page.getByTestId("generated-code")).toContainText("layers.Conv2D(8");

  // The console runs JavaScript beside the model, with tf and the project's API, in a sandboxed worker.
  await showTab(page, "Console");
  const prompt = page.getByLabel("JavaScript console input");
  const log = page.getByTestId("console-log");
  await prompt.fill("cyxwiz.graph.nodes.map((n) => n.id).join('|')");
  await prompt.press("Enter");
  await expect(log).toContainText("input|conv2d|max_pool2d|flatten|dense|output");
  await prompt.fill("tf.tensor([1, 2, 3]).mul(2)");
  await prompt.press("Enter");
  await expect(log).toContainText("Tensor [3] float32 [2, 4, 6]");

  // An endless loop is stopped by the time limit, and the editor stays usable meanwhile.
  await prompt.fill("while (true) {}");
  await prompt.press("Enter");
  await page.locator(".react-flow__pane").click({ position: { x: 5, y: 5 } });
  await page.keyboard.press("l");
  await select(page, "dense");
  await expect(page.getByLabel("units", { exact: true })).toHaveValue("10");
  await expect(log).toContainText("stopped after 10 s", { timeout: 30_000 });
  await prompt.fill("6 * 7");
  await prompt.press("Enter");
  await expect(log.locator(".log-result .log-text").last()).toHaveText("42");

  // Scripts are written in Monaco and run in the same sandbox.
  await showTab(page, "Script Editor");
  await expect(page.locator(".monaco-editor")).toBeVisible();
  await page.getByTestId("run-script").click();
  await expect(page.getByTestId("script-state")).toHaveText(/finished/);
  await expect(log).toContainText("the model is valid");

  // Trained here, in a Web Worker, for one epoch on the digits.
  await showTab(page, "Train");
  await expect(page.locator("#train-dataset")).toBeDisabled();
  await page.getByLabel("Epochs").fill("1");
  await page.getByTestId("train-here").click();
  await expect(page.getByTestId("train-status")).toHaveAttribute("data-phase", "done", { timeout: 120_000 });
  await expect(page.getByTestId("export-local-model")).toBeVisible();

  // The run's curves are in the Dashboard, exportable as CSV; its evaluation on held-out digits is in Tools.
  await showTab(page, "Dashboard");
  await expect(page.locator(".runs-chart").first()).toBeVisible();
  const [csv] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-runs-csv").click()]);
  expect((await readFile(await csv.path(), "utf8")).split("\n")[0]).toMatch(/^run,step,.*loss/);
  await showTab(page, "Tools");
  await expect(page.getByTestId("confusion-matrix").locator("tbody tr")).toHaveCount(10);
  await expect(page.getByTestId("roc-auc")).toContainText(/ROC AUC 0\.\d+/);

  // The Viewport summarises the model layer by layer.
  await showTab(page, "Viewport");
  await expect(page.getByTestId("model-summary")).toContainText("conv2d");
});

test("a person imports a CSV, checks its classes and split, uploads it and points the model at it", async ({ page }) => {
  await page.goto("/editor");
  await page.getByRole("combobox", { name: "Start from a template" }).selectOption("mlp-digits");
  await showTab(page, "Datasets");

  // A text value in a feature column is refused, naming the column and the row.
  const pick = async (name: string, text: string) => {
    const [chooser] = await Promise.all([page.waitForEvent("filechooser"), page.getByText("CSV or JSON table").click()]);
    await chooser.setFiles({ name, mimeType: "text/csv", buffer: Buffer.from(text) });
  };
  await pick("broken.csv", "x1,x2,label\n1,2,no\n3,oops,yes\n");
  await expect(page.getByTestId("dataset-error")).toContainText('column "x2" is a feature and must be numeric, but row 2 has "oops"');

  const rows = Array.from({ length: 20 }, (_, i) => `${(i % 2) + i / 100},${i / 10},${i % 2 ? "yes" : "no"}`);
  await pick("e2e-points.csv", `x1,x2,label\n${rows.join("\n")}\n`);
  await expect(page.getByTestId("dataset-table")).toContainText("x2");
  await expect(page.getByTestId("class-balance")).toContainText("10 (50.0 %)");
  await expect(page.getByTestId("split-counts")).toHaveText("train 16 · validation 2 · test 2");

  await page.getByRole("button", { name: "Upload to the server" }).click();
  await page.getByRole("button", { name: "Use “e2e-points” in the model" }).click();
  // The digits MLP takes 784 pixels, not 2 columns: the model now says so, naming the dataset.
  await expect(page.getByTestId("problems")).toContainText('node "input" (Input): shape [28, 28, 1] does not match dataset "e2e-points" samples [2]');

  await showTab(page, "Assets");
  await expect(page.getByRole("list", { name: "Datasets" })).toContainText("e2e-points");
});
