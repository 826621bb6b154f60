import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { readFile } from "node:fs/promises";
import { expect, test } from "@playwright/test";
import { AuthService } from "../gen/cyxwiz/v1/auth_service_pb";
import { decodeDataset } from "../lib/data/dataset-format";
import { bearer } from "../tests/helpers/clients";
import { accuracyOfModelZip, fetchDataset } from "../tests/helpers/evaluate";
import { SERVER_URL } from "../playwright.config";

test("a person trains the digits MLP on a volunteer tab, watches it learn and downloads a model that reads unseen digits", async ({ page, context }) => {
  await page.goto("/");
  await page.getByRole("radio", { name: /^MLP · handwritten digits/ }).click();
  await page.getByLabel("Epochs").fill("3");
  await page.getByRole("button", { name: "Train on the network" }).click();
  await page.waitForURL(/\/jobs\/[0-9a-f-]{36}$/);
  await expect(page.locator('[data-status="queued"]')).toBeVisible();

  // Record every value the loss chart's point count takes, however fast training turns out to be.
  const chart = page.locator('[data-metric="loss"]');
  await chart.evaluate((element) => {
    const seen: number[] = [];
    (window as unknown as { pointCounts: number[] }).pointCounts = seen;
    new MutationObserver(() => seen.push(Number(element.getAttribute("data-points")))).observe(element, { attributes: true, attributeFilter: ["data-points"] });
  });

  const volunteer = await context.newPage();
  await volunteer.goto("/worker");
  await volunteer.getByRole("button", { name: "Start contributing" }).click();
  await expect(volunteer.getByTestId("worker-phase")).toHaveAttribute("data-phase", /training|downloading|idle/);

  await expect(page.locator('[data-status="completed"]')).toBeVisible();
  await expect(page.getByTestId("progress")).toHaveText("100.0 %");
  const counts = await page.evaluate(() => (window as unknown as { pointCounts: number[] }).pointCounts);
  const distinct = [...new Set(counts.filter((n) => n > 0))];
  expect(distinct.length).toBeGreaterThanOrEqual(2);
  expect(distinct).toEqual([...distinct].sort((a, b) => a - b));
  expect(Number(await chart.getAttribute("data-points"))).toBe(distinct.at(-1));

  const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("download-model").click()]);
  const zip = new Uint8Array(await readFile(await download.path()));
  const heldOut = await fetchDataset(SERVER_URL, "mnist-digits-test");
  const accuracy = await accuracyOfModelZip(zip, heldOut);
  // Ten classes: chance is 10 %. Three epochs of this MLP reach ~94 % on digits it never saw.
  expect(accuracy).toBeGreaterThan(0.85);
  await expect(volunteer.getByTestId("worker-phase")).toHaveAttribute("data-phase", "idle");

  // Served by the volunteer tab (its training worker loads the model) and called through the gateway.
  await page.getByLabel("Model name (optional)").fill("e2e-digits");
  await page.getByTestId("deploy-model").click();
  await expect(page.getByTestId("deployment")).toHaveAttribute("data-status", "READY");
  const apiKey = await newApiKey();
  const digits = decodeDataset(heldOut);
  const sample = Array.from(digits.features.slice(0, 784));
  const response = await fetch(`${SERVER_URL}/v1/predict`, {
    method: "POST",
    headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "e2e-digits", inputs: [sample] }),
  });
  expect(response.status).toBe(200);
  const prediction = (await response.json()) as { outputs: number[][] };
  expect(prediction.outputs[0]).toHaveLength(10);
});

async function newApiKey(): Promise<string> {
  let token = "";
  const transport = createConnectTransport({ baseUrl: SERVER_URL, httpVersion: "1.1", interceptors: [bearer(() => token)] });
  const auth = createClient(AuthService, transport);
  token = (await auth.signUp({ email: `e2e-${Date.now()}@example.com`, password: "an e2e password" })).session?.accessToken ?? "";
  return (await auth.createApiKey({ name: "e2e" })).apiKey;
}
