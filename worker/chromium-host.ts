import { chromium, type Browser, type Page } from "playwright-core";
import { backoffDelay, sleep } from "../lib/compute/backoff";
import { fromBase64, toBase64, type NodeIdentity, type NodeWallet } from "../lib/compute/identity";
import type { HostMetrics } from "../lib/compute/heartbeat";
import { CHROMIUM_ARGS } from "./find-chromium";
import { hostMetricsSampler } from "./host-metrics";

export interface ChromiumHostOptions {
  executablePath: string;
  /** The volunteer page, with server and autostart in its query. */
  pageUrl: string;
  /** One per slot: each page is the node this key names (the page asks the host to sign). */
  identities: NodeIdentity[];
  /** The host's wallet, which every slot's page is paid into (the host signs for them too). */
  wallet?: NodeWallet;
  log: (level: "info" | "warn" | "error", message: string, extra?: Record<string, unknown>) => void;
  signal: AbortSignal;
}

/**
 * Keeps headless Chromium running with one worker page per slot. A crashed or closed page is
 * reopened, a lost browser relaunched, with backoff, until the signal aborts.
 */
export async function runChromiumHost(options: ChromiumHostOptions): Promise<void> {
  const { log, signal } = options;
  const sampleHost = hostMetricsSampler();
  for (let attempt = 0; !signal.aborted; attempt++) {
    let browser: Browser | undefined;
    try {
      browser = await chromium.launch({ executablePath: options.executablePath, args: CHROMIUM_ARGS, headless: true });
      log("info", "chromium started", { version: browser.version(), executable: options.executablePath });
      const closed = new Promise<void>((resolve) => browser?.once("disconnected", () => resolve()));
      await Promise.all(options.identities.map((_, slot) => keepPageAlive(browser as Browser, slot, options, closed, sampleHost)));
      attempt = 0;
    } catch (error) {
      log("error", `chromium failed: ${(error as Error).message}`);
    } finally {
      await browser?.close().catch(() => undefined);
    }
    if (!signal.aborted) await sleep(backoffDelay(attempt), signal);
  }
}

/**
 * The pages' heartbeats carry the machine's load, which only the host can measure (CPU, memory,
 * nvidia-smi); pages ask for it through an exposed function.
 */
async function keepPageAlive(browser: Browser, slot: number, options: ChromiumHostOptions, browserClosed: Promise<void>, sampleHost: () => Promise<HostMetrics>): Promise<void> {
  const { log, signal } = options;
  for (let attempt = 0; !signal.aborted && browser.isConnected(); attempt++) {
    let page: Page | undefined;
    try {
      page = await browser.newPage();
      await lendIdentity(page, options.identities[slot] as NodeIdentity, options.wallet);
      await page.exposeFunction("cyxwizHostMetrics", sampleHost);
      page.on("console", (message) => {
        const text = message.text();
        if (text.startsWith("[cyxwiz]")) log(message.type() === "error" ? "error" : "info", text.slice(9), { slot });
      });
      page.on("pageerror", (error) => log("error", `page error: ${error.message}`, { slot }));
      await page.goto(options.pageUrl, { waitUntil: "load", timeout: 60_000 });
      log("info", "worker page open", { slot, url: options.pageUrl });
      attempt = 0;
      const activePage = page;
      const gone = new Promise<string>((resolve) => {
        activePage.once("crash", () => resolve("crashed"));
        activePage.once("close", () => resolve("closed"));
        void browserClosed.then(() => resolve("browser closed"));
        signal.addEventListener("abort", () => resolve("stopping"), { once: true });
      });
      const why = await gone;
      if (why === "stopping") await handBack(activePage);
      else log("warn", `worker page ${why}; reopening`, { slot });
    } catch (error) {
      log("warn", `worker page could not open: ${(error as Error).message}`, { slot });
    } finally {
      await page?.close().catch(() => undefined);
    }
    if (!signal.aborted && browser.isConnected()) await sleep(backoffDelay(attempt), signal);
  }
}

/** The page signs its registration through the host, so neither private key enters the browser. */
async function lendIdentity(page: Page, identity: NodeIdentity, wallet: NodeWallet | undefined): Promise<void> {
  await page.exposeFunction("cyxwizHostSign", async (messageBase64: string) => toBase64(await identity.sign(fromBase64(messageBase64) ?? new Uint8Array())));
  if (wallet) await page.exposeFunction("cyxwizHostWalletSign", async (messageBase64: string) => toBase64(await wallet.sign(fromBase64(messageBase64) ?? new Uint8Array())));
  await page.addInitScript(
    (lent: { publicKey: string; walletAddress?: string }) => {
      (window as { cyxwizHostIdentity?: { publicKey: string; walletAddress?: string } }).cyxwizHostIdentity = lent;
    },
    { publicKey: identity.publicKey, walletAddress: wallet?.address },
  );
}

/** Asks the page's agent to return its job to the server before the page goes (see use-agent.ts). */
async function handBack(page: Page): Promise<void> {
  const stop = page.evaluate(() => (window as { cyxwizWorker?: { stop(): Promise<void> } }).cyxwizWorker?.stop());
  await Promise.race([stop.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 5000))]);
}
