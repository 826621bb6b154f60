import { describe, expect, it } from "vitest";
import { columnWidths, logLinesFitting, OVERVIEW_HEIGHT, paneHeights, scrollStart, tableRowsFitting, titleEdge } from "./layout";

describe("paneHeights", () => {
  it("fills the terminal but its last row, leaving one row for the status line", () => {
    for (const rows of [24, 40, 60]) {
      const h = paneHeights(rows, { nodes: 3, jobs: 20 });
      expect(h.overview + h.nodes + h.jobs + h.logs + 1).toBe(rows - 1);
      expect(h.overview).toBe(OVERVIEW_HEIGHT);
    }
  });

  it("gives the tables what their rows need and the log the rest", () => {
    const h = paneHeights(60, { nodes: 2, jobs: 3 });
    expect(tableRowsFitting(h.nodes)).toBe(2);
    expect(tableRowsFitting(h.jobs)).toBe(3);
    expect(logLinesFitting(h.logs)).toBe(60 - 2 - OVERVIEW_HEIGHT - h.nodes - h.jobs - 2);
  });

  it("caps long tables at their share of the screen", () => {
    const h = paneHeights(60, { nodes: 500, jobs: 50 });
    expect(h.nodes).toBe(Math.floor(52 * 0.3));
    expect(h.jobs).toBe(Math.floor(52 * 0.4));
  });

  it("keeps a row for each table and two for the log on a tiny terminal", () => {
    const h = paneHeights(10, { nodes: 5, jobs: 5 });
    expect(tableRowsFitting(h.nodes)).toBe(1);
    expect(tableRowsFitting(h.jobs)).toBe(1);
    expect(logLinesFitting(h.logs)).toBe(2);
  });
});

describe("titleEdge", () => {
  it("sets the title into a top border exactly as wide as the pane", () => {
    expect(titleEdge("2 Nodes", 16)).toBe("╭─ 2 Nodes ────╮");
    expect(titleEdge("a long title here", 10)).toBe("╭─ a lon…╮");
    expect(titleEdge("x", 10)).toHaveLength(10);
    expect(titleEdge("x", 1)).toBe("─");
  });
});

describe("columnWidths", () => {
  it("shares what the fixed columns and gaps leave by weight, to the exact width", () => {
    const widths = columnWidths([5, { flex: 1, min: 3 }, 4, { flex: 2, min: 3 }], 40);
    expect(widths.reduce((a, b) => a + b, 0) + 3).toBe(40);
    expect(widths).toEqual([5, 10, 4, 18]);
  });

  it("keeps flexible columns at their minimum when there is no room", () => {
    expect(columnWidths([10, { flex: 1, min: 6 }], 12)).toEqual([10, 6]);
  });

  it("leaves fixed-only tables as they are", () => {
    expect(columnWidths([3, 4], 50)).toEqual([3, 4]);
  });
});

describe("scrollStart", () => {
  it("does not scroll a list that fits", () => {
    expect(scrollStart(4, 5, 10)).toBe(0);
  });

  it("keeps the selection near the middle, and the window inside the list", () => {
    expect(scrollStart(0, 100, 10)).toBe(0);
    expect(scrollStart(50, 100, 10)).toBe(45);
    expect(scrollStart(99, 100, 10)).toBe(90);
  });
});
