import { readFile } from "node:fs/promises";
import { expect, test } from "@playwright/test";
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
});
