#!/usr/bin/env node
// The `cyxwiz` command: loads the TypeScript CLI through tsx, so that the repository runs as is.
import { register } from "tsx/esm/api";

register();
// Piping into `head` closes stdout early: that is the reader's choice, not an error.
process.stdout.on("error", (error) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});
const { main } = await import("../cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
