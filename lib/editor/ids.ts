/** A readable id for a new node of a type, unique in the document: dense, dense_2, … */
export function newNodeId(type: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  const base = type
    .replace(/([a-z])([A-Z])/g, "$1_$2")
    .replace(/([A-Z0-9]+)([A-Z][a-z])/g, "$1_$2")
    .replace(/[^A-Za-z0-9_]/g, "_")
    .toLowerCase();
  if (!used.has(base)) return base;
  for (let i = 2; ; i++) if (!used.has(`${base}_${i}`)) return `${base}_${i}`;
}
