import pino from "pino";

export type Logger = pino.Logger;

/** JSON lines on stdout; LOG_LEVEL=debug for more, LOG_LEVEL=silent in tests that do not read them. */
export function createLogger(name: string): Logger {
  return pino({ name, level: process.env.LOG_LEVEL ?? "info", base: { pid: process.pid } });
}
