import { startServer } from "./app";
import { loadConfig } from "./config";
import { createLogger } from "./log";

/** `npm run server`: the central server with configuration from the environment. */
const log = createLogger("cyxwiz-server");

try {
  const server = await startServer(loadConfig(), log);
  log.info({ rpcUrl: server.rpcUrl, httpUrl: server.httpUrl }, "listening");
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "shutting down");
    await server.close();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
} catch (error) {
  log.fatal({ err: error }, "server failed to start");
  process.exit(1);
}
