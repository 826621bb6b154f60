import { describe, expect, it } from "vitest";
import { initialView, onKey, selectedIndex, type KeyContext, type KeyPress, type View } from "./navigation";

const none: KeyPress = { tab: false, shift: false, upArrow: false, downArrow: false, pageUp: false, pageDown: false, home: false, end: false, return: false, escape: false };
const press = (key: Partial<KeyPress>, input = "") => [input, { ...none, ...key }] as const;
const ctx: KeyContext = { nodeIds: ["n1", "n2"], jobIds: ["j1", "j2", "j3", "j4", "j5"], logLines: 50, page: { nodes: 2, jobs: 2, logs: 10 } };
const keys = (view: View, ...presses: (readonly [string, KeyPress])[]) => presses.reduce((v, [input, key]) => onKey(v, input, key, ctx), view);

describe("focus", () => {
  it("cycles with Tab and Shift+Tab", () => {
    expect(keys(initialView, press({ tab: true })).focus).toBe("logs");
    expect(keys(initialView, press({ tab: true }), press({ tab: true })).focus).toBe("overview");
    expect(keys(initialView, press({ tab: true, shift: true })).focus).toBe("nodes");
  });

  it("jumps with 1-4", () => {
    expect(keys(initialView, press({}, "1")).focus).toBe("overview");
    expect(keys(initialView, press({}, "2")).focus).toBe("nodes");
    expect(keys(initialView, press({}, "4")).focus).toBe("logs");
    expect(keys(initialView, press({}, "5"))).toEqual(initialView);
  });
});

describe("tables", () => {
  it("moves the selection by rows, pages and to the ends, staying in the list", () => {
    expect(keys(initialView, press({ downArrow: true })).selectedJobId).toBe("j2");
    expect(keys(initialView, press({ upArrow: true })).selectedJobId).toBe("j1");
    expect(keys(initialView, press({ pageDown: true }), press({ pageDown: true })).selectedJobId).toBe("j5");
    expect(keys(initialView, press({ end: true })).selectedJobId).toBe("j5");
    expect(keys(initialView, press({ end: true }), press({ home: true })).selectedJobId).toBe("j1");
    expect(keys(initialView, press({}, "2"), press({ downArrow: true }), press({ downArrow: true })).selectedNodeId).toBe("n2");
  });

  it("starts again from the top when the selected row has gone", () => {
    expect(selectedIndex(["a", "b"], "gone")).toBe(0);
    expect(keys({ ...initialView, selectedJobId: "gone" }, press({ downArrow: true })).selectedJobId).toBe("j2");
  });

  it("follows the selected job on Enter, and Esc goes back to all active jobs", () => {
    const following = keys(initialView, press({ downArrow: true }), press({ return: true }));
    expect(following.followedJobId).toBe("j2");
    expect(keys(following, press({ escape: true })).followedJobId).toBeUndefined();
  });

  it("follows nothing on Enter outside the jobs table or with no jobs", () => {
    expect(keys({ ...initialView, focus: "nodes" }, press({ return: true })).followedJobId).toBeUndefined();
    expect(onKey(initialView, "", { ...none, return: true }, { ...ctx, jobIds: [] }).followedJobId).toBeUndefined();
  });
});

describe("log scrolling", () => {
  const logs: View = { ...initialView, focus: "logs" };

  it("goes back in time with up and page up, no further than the first line", () => {
    expect(keys(logs, press({ upArrow: true })).logScroll).toBe(1);
    expect(keys(logs, press({ pageUp: true })).logScroll).toBe(10);
    expect(keys(logs, press({ home: true })).logScroll).toBe(40);
    expect(keys(logs, press({ home: true }), press({ upArrow: true })).logScroll).toBe(40);
  });

  it("comes back to the newest line with down, page down and End", () => {
    expect(keys(logs, press({ pageUp: true }), press({ downArrow: true })).logScroll).toBe(9);
    expect(keys(logs, press({ home: true }), press({ end: true })).logScroll).toBe(0);
    expect(keys(logs, press({ downArrow: true })).logScroll).toBe(0);
  });

  it("does not scroll a log that fits", () => {
    expect(onKey(logs, "", { ...none, upArrow: true }, { ...ctx, logLines: 5 }).logScroll).toBe(0);
  });
});
