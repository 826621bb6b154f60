import { AsyncLocalStorage } from "node:async_hooks";
import pino from "pino";

export type Logger = pino.Logger;

/** The request being served: every log line written while serving it carries its id. */
export const requestContext = new AsyncLocalStorage<{ requestId: string }>();

/** JSON lines on stdout (or the given stream); LOG_LEVEL=debug for more, LOG_LEVEL=silent in tests that do not read them. */
export function createLogger(name: string, options: { level?: string; destination?: pino.DestinationStream } = {}): Logger {
  const level = options.level ?? process.env.LOG_LEVEL ?? "info";
  return pino({ name, level, base: { pid: process.pid }, mixin: () => requestContext.getStore() ?? {} }, options.destination);
}
