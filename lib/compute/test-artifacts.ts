import { vi } from "vitest";
import { sha256Hex } from "../data/hash";

export const SERVER = "http://server.test";

/**
 * A stand-in artifact store behind fetch, for tests: GET /artifacts/<sha256> answers what was
 * put (or `tampered` bytes in its place); POST stores the body under its hash. Undo with
 * vi.unstubAllGlobals().
 */
export function stubArtifacts() {
  const stored = new Map<string, Uint8Array>();
  const uploads: { contentType: string; bytes: Uint8Array }[] = [];
  vi.stubGlobal("fetch", async (input: string, init?: RequestInit) => {
    const url = new URL(input);
    if (init?.method === "POST") {
      const bytes = new Uint8Array(await new Response(init.body).arrayBuffer());
      const sha256 = await sha256Hex(bytes);
      stored.set(sha256, bytes);
      uploads.push({ contentType: new Headers(init.headers).get("content-type") ?? "", bytes });
      return Response.json({ sha256, uri: `/artifacts/${sha256}` });
    }
    const bytes = stored.get(url.pathname.replace("/artifacts/", ""));
    return bytes ? new Response(bytes as Uint8Array<ArrayBuffer>) : new Response("not found", { status: 404 });
  });
  return {
    uploads,
    /** Stores bytes and answers their hash. */
    async put(bytes: Uint8Array): Promise<string> {
      const sha256 = await sha256Hex(bytes);
      stored.set(sha256, bytes);
      return sha256;
    },
    /** Serves other bytes under a hash, as a damaged copy would arrive. */
    tamper(sha256: string, bytes: Uint8Array): void {
      stored.set(sha256, bytes);
    },
  };
}
