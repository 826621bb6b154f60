const BLOCKS = "▁▂▃▄▅▆▇█";

/**
 * The last `width` values as a row of block characters, right-aligned (newest at the right edge,
 * padded with spaces on the left) so that sparklines stacked above one another share a time axis.
 *
 * The scale runs from 0 (not from the window's minimum) to the window's maximum: these are counts
 * and rates, and a flat line of 3 queued jobs should read as "some", not as "none". Any value
 * above zero gets at least the second block, so a little activity never looks like idleness.
 */
export function sparkline(values: readonly number[], width: number): string {
  if (width <= 0) return "";
  const shown = values.slice(-width).map((v) => (Number.isFinite(v) && v > 0 ? v : 0));
  const max = Math.max(0, ...shown);
  const top = BLOCKS.length - 1;
  const bars = shown.map((v) => {
    if (max === 0 || v === 0) return BLOCKS[0];
    return BLOCKS[Math.max(1, Math.round((v / max) * top))];
  });
  return " ".repeat(width - shown.length) + bars.join("");
}
