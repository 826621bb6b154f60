import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { SERVER_URL } from "../playwright.config";

interface NodeJson {
  id: string;
  publicKey: string;
  lastSeen: string;
  ramTotal: number;
}

async function listNodes(): Promise<NodeJson[]> {
  return ((await (await fetch(`${SERVER_URL}/api/v1/nodes`)).json()) as { nodes: NodeJson[] }).nodes;
}

async function joinNetwork(page: Page): Promise<string> {
  await page.goto("/worker");
  await page.getByRole("button", { name: "Start contributing" }).click();
  const id = page.getByTestId("worker-node-id");
  await expect(id).toHaveAttribute("data-value", /^[0-9a-f-]{36}$/);
  return (await id.getAttribute("data-value")) as string;
}

test("a volunteer tab reopened is the same node, and a second tab beside it is another", async ({ context }) => {
  const first = await context.newPage();
  const nodeId = await joinNetwork(first);
  const beside = await context.newPage();
  expect(await joinNetwork(beside)).not.toBe(nodeId);
  await first.close();
  await beside.close();
  expect(await joinNetwork(await context.newPage())).toBe(nodeId);
});

test("a headless host restarted on the same machine comes back as the same node", async ({ baseURL }) => {
  const identityDir = await mkdtemp(path.join(os.tmpdir(), "cyxwiz-host-identity-"));
  const host = () =>
    spawn(process.execPath, ["--import", "tsx", "worker/main.ts", "--runtime", "chromium", "--server", SERVER_URL, "--engine", baseURL as string, "--identity-dir", identityDir], {
      stdio: "ignore",
    });
  const nodesWithKey = async (publicKey: string) => (await listNodes()).filter((n) => n.publicKey === publicKey);
  try {
    const first = host();
    await expect.poll(() => readFile(path.join(identityDir, "node-1.key"), "utf8").catch(() => ""), { timeout: 30_000 }).toContain("cyxwiz.node-identity");
    const { publicKey } = JSON.parse(await readFile(path.join(identityDir, "node-1.key"), "utf8")) as { publicKey: string };
    await expect.poll(async () => (await nodesWithKey(publicKey)).length, { timeout: 90_000 }).toBe(1);
    const [registered] = await nodesWithKey(publicKey);
    first.kill("SIGTERM");
    await new Promise((resolve) => first.once("exit", resolve));

    const second = host();
    try {
      // Registering again refreshes last_seen; the node stays one row with the same id.
      const before = Date.now();
      await expect.poll(async () => (await listNodes()).some((n) => n.id === registered?.id && Date.parse(n.lastSeen) > before), { timeout: 90_000 }).toBe(true);
      expect(await nodesWithKey(publicKey)).toHaveLength(1);
    } finally {
      second.kill("SIGTERM");
      await new Promise((resolve) => second.once("exit", resolve));
    }
  } finally {
    await rm(identityDir, { recursive: true, force: true });
  }
});

test("a volunteer pauses and resumes, and lends less time and memory", async ({ page }) => {
  await joinNetwork(page);
  await page.getByRole("button", { name: "Pause" }).click();
  await expect(page.getByTestId("worker-phase")).toHaveAttribute("data-paused", "true");
  await expect(page.getByTestId("worker-phase")).toHaveText(/Paused/);
  await page.getByRole("button", { name: "Resume" }).click();
  await expect(page.getByTestId("worker-phase")).toHaveAttribute("data-paused", "false");

  await page.getByLabel(/Share of time/).fill("30");
  await expect(page.getByTestId("usage-share")).toHaveText("30 %");
  await page.getByLabel(/Memory for jobs/).fill("1");
  await expect(page.getByTestId("usage-memory")).toHaveText("1.0 GiB");
  const nodeId = await page.getByTestId("worker-node-id").getAttribute("data-value");
  // The next heartbeat (every 10 s) tells the scheduler.
  await expect.poll(async () => (await listNodes()).find((n) => n.id === nodeId)?.ramTotal, { timeout: 30_000 }).toBe(1024 ** 3);
  await page.screenshot({ path: "test-results/volunteer-page.png", fullPage: true });
});
