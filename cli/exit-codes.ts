import { Code, ConnectError } from "@connectrpc/connect";

export const EXIT = { ok: 0, invalid: 1, unreachable: 2 } as const;

/** Bad input, unless the server could not be reached at all. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof ConnectError && [Code.Unavailable, Code.DeadlineExceeded].includes(error.code)) return EXIT.unreachable;
  if (error instanceof TypeError && /fetch failed/.test(error.message)) return EXIT.unreachable;
  return EXIT.invalid;
}

export function errorMessage(error: unknown): string {
  if (error instanceof ConnectError) {
    if (error.code === Code.Unavailable) return `server unreachable: ${error.rawMessage}`;
    return `${Code[error.code]}: ${error.rawMessage}`;
  }
  return error instanceof Error ? error.message : String(error);
}
