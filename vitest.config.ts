import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["lib/**/*.test.ts", "server/**/*.test.ts", "worker/**/*.test.ts", "bin/**/*.test.ts", "tui/**/*.test.ts", "components/**/*.test.ts"],
          testTimeout: 30_000,
          // Opening a database (PGlite boots, migrations run) can take over 10 s on a busy 2-core machine.
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: "integration",
          include: ["tests/integration/**/*.test.ts"],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          // Each file starts real server processes; two cores cannot run several at once well.
          fileParallelism: false,
        },
      },
    ],
  },
});
