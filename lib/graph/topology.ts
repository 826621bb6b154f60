import type { GraphEdge, GraphNode } from "./types";

export interface Topology {
  /** Nodes in an order where every node comes after all of its inputs. */
  order: string[];
  /** Nodes that sit on a cycle (or downstream of one); empty for a DAG. */
  cyclic: string[];
  incoming: Map<string, GraphEdge[]>;
  outgoing: Map<string, GraphEdge[]>;
}

/** Kahn's algorithm over the edges whose endpoints both exist. */
export function topology(nodes: readonly GraphNode[], edges: readonly GraphEdge[]): Topology {
  const incoming = new Map<string, GraphEdge[]>(nodes.map((n) => [n.id, []]));
  const outgoing = new Map<string, GraphEdge[]>(nodes.map((n) => [n.id, []]));
  for (const edge of edges) {
    const into = incoming.get(edge.target);
    const from = outgoing.get(edge.source);
    if (!into || !from) continue;
    into.push(edge);
    from.push(edge);
  }
  for (const list of incoming.values()) list.sort(byHandle);

  const remaining = new Map(nodes.map((n) => [n.id, incoming.get(n.id)?.length ?? 0]));
  const ready = nodes.filter((n) => remaining.get(n.id) === 0).map((n) => n.id);
  const order: string[] = [];
  while (ready.length > 0) {
    const id = ready.shift() as string;
    order.push(id);
    for (const edge of outgoing.get(id) ?? []) {
      const left = (remaining.get(edge.target) ?? 0) - 1;
      remaining.set(edge.target, left);
      if (left === 0) ready.push(edge.target);
    }
  }
  const placed = new Set(order);
  return { order, cyclic: nodes.map((n) => n.id).filter((id) => !placed.has(id)), incoming, outgoing };
}

/** Input order for layers where it matters: by handle name, then as drawn. */
function byHandle(a: GraphEdge, b: GraphEdge): number {
  return (a.targetHandle ?? "").localeCompare(b.targetHandle ?? "", "en", { numeric: true });
}

/** Every node reachable from start by following edges the given way. */
export function reachable(start: Iterable<string>, next: Map<string, GraphEdge[]>, forward: boolean): Set<string> {
  const seen = new Set<string>();
  const stack = [...start];
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const edge of next.get(id) ?? []) stack.push(forward ? edge.target : edge.source);
  }
  return seen;
}
