import { nodeIssue } from "../issues";
import { ATTACHMENT_KINDS, attachmentsOf, withArticle, type AttachmentKind, type Regularization } from "../layer";
import { getNodeDefinition } from "../registry";
import type { GraphEdge, GraphIssue, ModelGraph } from "../types";
import type { AnalyzedComponent, Structure } from "./structure";

/** The configuration attached to the model: how it is optimised and regularised. */
export interface Attachments {
  optimizer?: AnalyzedComponent;
  schedule?: AnalyzedComponent;
}

export interface AttachmentWiring extends Attachments {
  /** The factors of the regularizer attached to each layer that has one. */
  regularizers: Map<string, Regularization>;
  /** Which component holds each "node:handle" slot. */
  taken: Map<string, string>;
  issues: GraphIssue[];
}

/** An edge into a named configuration handle rather than a tensor input. */
export const isAttachment = (edge: GraphEdge): boolean => (ATTACHMENT_KINDS as readonly string[]).includes(edge.targetHandle ?? "");

/**
 * Configuration edges: each goes from a component to a handle of its kind on a node that takes
 * it; a handle takes one component; every component is attached (an optimizer or schedule to
 * exactly one node, a regularizer to any number of layers) and carries no tensors.
 */
export function checkAttachments(graph: ModelGraph, { byId, layers, components }: Structure): AttachmentWiring {
  const issues: GraphIssue[] = [];
  const regularizers = new Map<string, Regularization>();
  const taken = new Map<string, string>();
  const targetsOf = new Map<string, string[]>();
  let optimizer: AnalyzedComponent | undefined;
  let schedule: AnalyzedComponent | undefined;
  for (const edge of graph.edges.filter(isAttachment)) {
    const handle = edge.targetHandle as AttachmentKind;
    const source = byId.get(edge.source);
    const target = byId.get(edge.target);
    if (!source || !target) continue;
    const component = components.get(source.id);
    if (!component) {
      if (getNodeDefinition(source.type)?.kind === "layer") issues.push(nodeIssue(source, "arity", `a layer cannot feed the ${handle} input of "${target.id}"`));
      continue;
    }
    const { provides } = component.definition;
    if (provides !== handle) {
      issues.push(nodeIssue(source, "arity", `is ${withArticle(provides)}, not ${withArticle(handle)}: attach it to ${withArticle(provides)} input`));
      continue;
    }
    const targetLayer = layers.get(target.id)?.layer;
    const accepts = targetLayer ? attachmentsOf(targetLayer) : (components.get(target.id)?.definition.accepts ?? []);
    if (!accepts.includes(handle)) {
      issues.push(nodeIssue(source, "arity", `${target.type} "${target.id}" takes no ${handle}`));
      continue;
    }
    const slot = `${target.id}:${handle}`;
    if (taken.has(slot)) {
      issues.push(nodeIssue(target, "arity", `has two ${handle}s attached (${taken.get(slot)} and ${source.id}); keep one`));
      continue;
    }
    taken.set(slot, source.id);
    targetsOf.set(source.id, [...(targetsOf.get(source.id) ?? []), target.id]);
    if (handle === "regularizer" && component.definition.regularizer) regularizers.set(target.id, component.definition.regularizer.factors(component.params));
    if (handle === "optimizer") optimizer = component;
    if (handle === "schedule") schedule = component;
  }
  for (const component of components.values()) {
    const targets = targetsOf.get(component.node.id) ?? [];
    const { provides } = component.definition;
    if (targets.length === 0) issues.push(nodeIssue(component.node, "disconnected", `is not attached: connect it to ${withArticle(provides)} input`));
    if (targets.length > 1 && provides !== "regularizer") {
      issues.push(nodeIssue(component.node, "arity", `is attached to ${targets.length} nodes (${targets.join(", ")}); ${withArticle(provides)} serves one`));
    }
  }
  for (const edge of graph.edges) {
    const end = !isAttachment(edge) ? [edge.source, edge.target].find((id) => components.has(id)) : undefined;
    const component = end === undefined ? undefined : components.get(end);
    if (component) issues.push(nodeIssue(component.node, "arity", `carries no tensors: connect it to ${withArticle(component.definition.provides)} input`));
  }
  return { optimizer, schedule, regularizers, taken, issues };
}
