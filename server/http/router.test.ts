import { describe, expect, it } from "vitest";
import { json, Router } from "./router";

const router = new Router().add("GET", "/api/v1/jobs/:id", async () => json({})).add("POST", "/api/v1/artifacts", async () => json({}));

describe("Router", () => {
  it("matches a path pattern and decodes its parameters", () => {
    const found = router.match("GET", "/api/v1/jobs/a%20b");
    expect(found !== "method_not_allowed" && found?.params).toEqual({ id: "a b" });
  });

  it("serves HEAD with the GET handler", () => {
    expect(router.match("HEAD", "/api/v1/jobs/1")).toMatchObject({ params: { id: "1" } });
  });

  it("tells a wrong method from an unknown path", () => {
    expect(router.match("GET", "/api/v1/artifacts")).toBe("method_not_allowed");
    expect(router.match("GET", "/api/v1/nothing")).toBeUndefined();
  });
});
