import { existsSync } from "node:fs";
import { defineConfig } from "@playwright/test";
import { CHROMIUM_ARGS } from "./worker/find-chromium";

const RPC_PORT = 50_151;
const HTTP_PORT = 8_181;
const ENGINE_PORT = 3_101;
export const SERVER_URL = `http://127.0.0.1:${RPC_PORT}`;

// The system Chromium where there is one (Playwright cannot download its own offline).
const executablePath = process.env.CHROMIUM_PATH ?? ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => existsSync(p));

export default defineConfig({
  testDir: "e2e",
  timeout: 180_000,
  expect: { timeout: 60_000 },
  fullyParallel: false,
  workers: 1,
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${ENGINE_PORT}`,
    headless: true,
    acceptDownloads: true,
    launchOptions: { executablePath, args: CHROMIUM_ARGS.filter((a) => a !== "--headless=new") },
  },
  webServer: [
    {
      command: "node --import tsx e2e/serve-platform.ts",
      url: `http://127.0.0.1:${HTTP_PORT}/api/v1/health`,
      env: { CYXWIZ_RPC_PORT: String(RPC_PORT), CYXWIZ_HTTP_PORT: String(HTTP_PORT), CYXWIZ_HOST: "127.0.0.1", LOG_LEVEL: "warn" },
      reuseExistingServer: false,
      timeout: 60_000,
    },
    {
      command: `npx next start -p ${ENGINE_PORT} -H 127.0.0.1`,
      url: `http://127.0.0.1:${ENGINE_PORT}/`,
      env: { CYXWIZ_PUBLIC_SERVER_URL: SERVER_URL, NEXT_TELEMETRY_DISABLED: "1" },
      reuseExistingServer: false,
      timeout: 60_000,
    },
  ],
});
