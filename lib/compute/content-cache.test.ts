import { afterEach, describe, expect, it } from "vitest";
import { browserContentStore, evictionPlan } from "./content-cache";

describe("the cache's size limit", () => {
  const file = (sha256: string, size: number, usedAtMs: number) => ({ sha256, size, usedAtMs });

  it("evicts the least recently used entries until the cache fits", () => {
    const files = [file("a", 40, 3), file("b", 40, 1), file("c", 40, 2)];
    expect(evictionPlan(files, 80, "a")).toEqual(["b"]);
    expect(evictionPlan(files, 40, "a")).toEqual(["b", "c"]);
  });

  it("never evicts the entry just kept, even when it alone is over the limit", () => {
    expect(evictionPlan([file("big", 100, 5), file("old", 10, 1)], 50, "big")).toEqual(["old"]);
  });
});

/** The Cache API as browsers have it, in memory: Node has none. */
function memoryCacheStorage() {
  const caches = new Map<string, Map<string, Response>>();
  const cache = (entries: Map<string, Response>) => ({
    match: async (key: string) => entries.get(key)?.clone(),
    put: async (key: string, response: Response) => void entries.set(key, response),
    delete: async (key: string) => entries.delete(key),
  });
  return {
    open: async (name: string) => cache(caches.get(name) ?? caches.set(name, new Map()).get(name)!),
  };
}

describe("a tab's artifact cache (the Cache API)", () => {
  const bytes = (n: number, fill: number) => new Uint8Array(n).fill(fill);
  const g = globalThis as { caches?: unknown };
  afterEach(() => {
    delete g.caches;
  });

  it("keeps what it is given and reads it back", async () => {
    g.caches = memoryCacheStorage();
    const store = browserContentStore("test", 100);
    await store.write("a", bytes(10, 1));
    expect(await store.read("a")).toEqual(bytes(10, 1));
    expect(await store.read("missing")).toBeUndefined();
  });

  it("stays under its limit by evicting what was used least recently, counting reads as use", async () => {
    const storage = memoryCacheStorage();
    g.caches = storage;
    const store = browserContentStore("test", 100);
    const tick = () => new Promise((r) => setTimeout(r, 2));
    await store.write("old", bytes(40, 1));
    await tick();
    await store.write("read-since", bytes(40, 2));
    await tick();
    await store.read("old");
    await tick();
    await store.write("new", bytes(40, 3));
    expect(await store.read("read-since")).toBeUndefined();
    expect(await store.read("old")).toEqual(bytes(40, 1));
    expect(await store.read("new")).toEqual(bytes(40, 3));
  });
});
