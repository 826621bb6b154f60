import { describe, expect, it } from "vitest";
import { GRAPH_TOKEN_HEADER, JOB_TOKEN_HEADER } from "../../lib/wire/headers";
import { applyCors } from "./cors";
import type { NodeRequest, NodeResponse } from "./router";

/** The headers a preflight is answered with. */
function preflight(): Record<string, string> {
  const answered: Record<string, string> = {};
  const res = {
    setHeader: (name: string, value: string) => (answered[name.toLowerCase()] = value),
    writeHead: (_status: number, headers: Record<string, string>) => Object.entries(headers).forEach(([name, value]) => (answered[name.toLowerCase()] = value)),
    end: () => undefined,
  };
  expect(applyCors({ method: "OPTIONS" } as NodeRequest, res as unknown as NodeResponse)).toBe(true);
  return answered;
}

describe("CORS", () => {
  it("lets the Engine, on another origin, send the credentials it holds: a bearer token, graph tokens and job tokens", () => {
    const allowed = preflight()["access-control-allow-headers"]?.toLowerCase().split(/,\s*/);
    expect(allowed).toEqual(expect.arrayContaining(["authorization", GRAPH_TOKEN_HEADER, JOB_TOKEN_HEADER]));
  });
});
