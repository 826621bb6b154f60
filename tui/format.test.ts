import { describe, expect, it } from "vitest";
import { ago, compactNumber, connectionLine, duration, fit, metricsLine, oneLine, percent, progressBar } from "./format";

describe("fit", () => {
  it("pads to the width on either side", () => {
    expect(fit("ab", 4)).toBe("ab  ");
    expect(fit("ab", 4, "right")).toBe("  ab");
  });

  it("cuts with an ellipsis that counts toward the width", () => {
    expect(fit("abcdef", 4)).toBe("abc…");
    expect(fit("abcdef", 1)).toBe("…");
    expect(fit("abc", 0)).toBe("");
  });

  it("keeps a node's line breaks and escape sequences off the terminal", () => {
    expect(oneLine("a\nb\tc\u001b[2Jd")).toBe("a b c [2Jd");
    expect(fit("a\r\nb", 4)).toBe("a b ");
  });
});

describe("times", () => {
  it("says how long ago in one short unit", () => {
    expect(ago(0, 4_400)).toBe("4s");
    expect(ago(0, 125_000)).toBe("2m");
    expect(ago(0, 3 * 3600_000 + 5)).toBe("3h");
    expect(ago(0, 50 * 3600_000)).toBe("2d");
    expect(ago(10_000, 0)).toBe("0s");
  });

  it("writes spans for people", () => {
    expect(duration(0.42)).toBe("0.4 s");
    expect(duration(12.4)).toBe("12 s");
    expect(duration(200)).toBe("3m 20s");
    expect(duration(7500)).toBe("2h 05m");
  });
});

describe("progressBar", () => {
  it("fills in eighths of a cell and marks the rest", () => {
    expect(progressBar(0, 4)).toBe("····");
    expect(progressBar(0.5, 4)).toBe("██··");
    expect(progressBar(1 / 32, 4)).toBe("▏···");
    expect(progressBar(1, 4)).toBe("████");
  });

  it("holds out-of-range fractions at the ends", () => {
    expect(progressBar(7, 3)).toBe("███");
    expect(progressBar(-1, 3)).toBe("···");
    expect(progressBar(Number.NaN, 3)).toBe("···");
    expect(percent(0.666)).toBe("67%");
    expect(percent(2)).toBe("100%");
  });
});

describe("numbers and metrics", () => {
  it("keeps about three significant digits", () => {
    expect(compactNumber(0)).toBe("0");
    expect(compactNumber(0.12345)).toBe("0.123");
    expect(compactNumber(1.2345)).toBe("1.23");
    expect(compactNumber(21.64)).toBe("21.6");
    expect(compactNumber(1234.5)).toBe("1235");
    expect(compactNumber(0.0012345)).toBe("0.0012");
  });

  it("puts the usual curves first under short names", () => {
    expect(metricsLine({ zeta: 1, val_accuracy: 0.9, loss: 0.25, accuracy: 0.8, val_loss: 0.3, alpha: 2 })).toBe("loss 0.250  acc 0.800  val_loss 0.300  val_acc 0.900  alpha 2.00  zeta 1.00");
    expect(metricsLine({})).toBe("");
  });
});

describe("connectionLine", () => {
  const server = "http://s:8080";

  it("says when the data was fetched while online", () => {
    expect(connectionLine({ state: "online", failures: 0, lastSuccessAt: 1000 }, server, 4000)).toEqual({ color: "green", text: "http://s:8080 · updated 3s ago" });
  });

  it("says why and when it tries again while offline, and how old the shown data is", () => {
    const line = connectionLine({ state: "offline", failures: 2, error: "ECONNREFUSED", retryAt: 5500, lastSuccessAt: 0 }, server, 2000);
    expect(line.color).toBe("red");
    expect(line.text).toBe("http://s:8080 unreachable (ECONNREFUSED) · reconnecting in 4s, attempt 3, showing data from 2s ago");
  });

  it("says it is connecting before the first answer", () => {
    expect(connectionLine({ state: "connecting", failures: 0 }, server, 0).text).toBe("connecting to http://s:8080…");
  });
});
