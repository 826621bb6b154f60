import { render } from "ink";
import { Dashboard } from "./dashboard";
import { HELP, parseTuiOptions, UsageError } from "./options";

// The alternate screen gives the dashboard the whole terminal and hands back the scrollback untouched on exit.
const ENTER_ALTERNATE_SCREEN = "\x1b[?1049h";
const LEAVE_ALTERNATE_SCREEN = "\x1b[?1049l";

async function main(argv: string[]): Promise<number> {
  let options;
  try {
    options = parseTuiOptions(argv, process.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\n\n${HELP}`);
    return 1;
  }
  if (options === "help") {
    console.log(HELP);
    return 0;
  }
  const fullScreen = process.stdout.isTTY;
  if (fullScreen) process.stdout.write(ENTER_ALTERNATE_SCREEN);
  try {
    const app = render(<Dashboard {...options} />, { exitOnCtrlC: true });
    // Ink ends on q and Ctrl+C; a closed terminal or a kill should also get the screen back.
    for (const signal of ["SIGTERM", "SIGHUP"] as const) process.once(signal, () => app.unmount());
    await app.waitUntilExit();
  } finally {
    if (fullScreen) process.stdout.write(LEAVE_ALTERNATE_SCREEN);
  }
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
