/**
 * Decimal notation only: Number() would also accept "0x1F", "Infinity" and blank text, none of
 * which a spreadsheet means as a number.
 */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** The number a cell holds, or undefined when it is not one. */
export function toNumber(cell: string | number): number | undefined {
  if (typeof cell === "number") return Number.isFinite(cell) ? cell : undefined;
  const text = cell.trim();
  return DECIMAL.test(text) ? Number(text) : undefined;
}
