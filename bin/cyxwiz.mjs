#!/usr/bin/env node
// The `cyxwiz` command: loads the TypeScript CLI through tsx, so that the repository runs as is.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
