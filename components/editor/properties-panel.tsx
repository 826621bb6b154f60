"use client";

import { useEffect, useId, useState } from "react";
import { blockFromGroup } from "../../lib/editor/blocks";
import { setLabel, setParams } from "../../lib/editor/commands";
import type { EditorGroup } from "../../lib/editor/document";
import { ungroup, updateGroup } from "../../lib/editor/groups";
import { describeParams, formatFieldValue, parseFieldText, validateParams, type FieldSpec } from "../../lib/editor/param-fields";
import { getNodeDefinition } from "../../lib/graph/registry";
import { formatShape } from "../../lib/graph/types";
import { useBlockLibrary } from "./block-library";
import { useDocument, useEditor } from "./editor-store";
import { formatCount, type DocumentAnalysis } from "./use-analysis";

/** The selected node's parameters, edited with validation: an invalid value is refused with the reason and never applied. */
export function PropertiesPanel({ analysis, suggestions }: { analysis: DocumentAnalysis; suggestions: Record<string, string[]> }) {
  const doc = useDocument();
  const selection = useEditor((s) => s.selection);
  const node = selection.nodes.length === 1 ? doc.nodes.find((n) => n.id === selection.nodes[0]) : undefined;
  const group = selection.groups.length === 1 && selection.nodes.length === 0 ? doc.groups.find((g) => g.id === selection.groups[0]) : undefined;

  if (group) return <GroupProperties group={group} analysis={analysis} />;
  if (!node) {
    const { totalParams, totalFlops, issues } = analysis.analysis;
    return (
      <aside className="properties" aria-label="Properties">
        <h2>{doc.name}</h2>
        <dl className="facts">
          <dt>Layers</dt>
          <dd>{doc.nodes.length}</dd>
          <dt>Parameters</dt>
          <dd>{totalParams.toLocaleString("en-US")}</dd>
          <dt>FLOPs / sample</dt>
          <dd>{formatCount(totalFlops)}</dd>
          <dt>Problems</dt>
          <dd>{issues.length}</dd>
        </dl>
        <p className="muted">{selection.nodes.length > 1 ? `${selection.nodes.length} nodes selected.` : "Select a node to edit its parameters."}</p>
      </aside>
    );
  }

  const layer = getNodeDefinition(node.type);
  const analyzed = analysis.byNode.get(node.id);
  const issues = analysis.issuesByNode.get(node.id) ?? [];
  return (
    <aside className="properties" aria-label="Properties">
      <h2>
        {node.label ?? node.id} <span className="muted">· {node.type}</span>
      </h2>
      <p className="muted small">{layer?.description}</p>
      <LabelField id={node.id} label={node.label ?? ""} />
      {layer && (
        <ParamForm key={node.id} nodeId={node.id} params={analyzed?.params ?? effectiveParams(node.type, node.params)} fields={describeParams(layer)} type={node.type} suggestions={suggestions} />
      )}
      {layer?.kind === "layer" && (
        <dl className="facts">
          <dt>Input</dt>
          <dd>{analyzed?.inputShapes.map(formatShape).join(", ") || "–"}</dd>
          <dt>Output</dt>
          <dd>{analyzed?.outputShape ? formatShape(analyzed.outputShape) : "?"}</dd>
          <dt>Parameters</dt>
          <dd>{analyzed?.paramCount.toLocaleString("en-US") ?? 0}</dd>
          <dt>FLOPs</dt>
          <dd>{formatCount(analyzed?.flops ?? 0)}</dd>
        </dl>
      )}
      {issues.map((issue, i) => (
        <p key={i} className="notice error small" role="alert">
          {issue.message}
        </p>
      ))}
    </aside>
  );
}

/** A group: its name, collapse, ungroup, and saving it as a reusable block. */
function GroupProperties({ group, analysis }: { group: EditorGroup; analysis: DocumentAnalysis }) {
  const doc = useDocument();
  const { apply, select, notify } = useEditor.getState();
  const params = group.nodeIds.reduce((sum, id) => sum + (analysis.byNode.get(id)?.paramCount ?? 0), 0);
  const problems = group.nodeIds.flatMap((id) => analysis.issuesByNode.get(id) ?? []);
  const saveBlock = () => {
    useBlockLibrary.getState().save(blockFromGroup(doc, group.id));
    notify("info", `Saved “${group.label}” to your blocks: drag it from the palette to reuse it.`);
  };
  return (
    <aside className="properties" aria-label="Properties">
      <h2>
        {group.label} <span className="muted">· group</span>
      </h2>
      <LabelField id={group.id} label={group.label} placeholder="Block" onCommit={(label) => apply((d) => updateGroup(d, group.id, { label }))} />
      <div className="row">
        <button type="button" className="button small" onClick={() => apply((d) => updateGroup(d, group.id, { collapsed: !group.collapsed }))}>
          {group.collapsed ? "Expand" : "Collapse"}
        </button>
        <button
          type="button"
          className="button small secondary"
          onClick={() => {
            apply((d) => ungroup(d, group.id));
            select({ nodes: group.nodeIds, groups: [] });
          }}
        >
          Ungroup
        </button>
        <button type="button" className="button small secondary" onClick={saveBlock}>
          Save as block
        </button>
      </div>
      <dl className="facts">
        <dt>Nodes</dt>
        <dd>{group.nodeIds.join(", ")}</dd>
        <dt>Parameters</dt>
        <dd>{params.toLocaleString("en-US")}</dd>
      </dl>
      {problems.map((issue, i) => (
        <p key={i} className="notice error small" role="alert">
          {issue.message}
        </p>
      ))}
    </aside>
  );
}

function LabelField({ id, label, placeholder = id, onCommit }: { id: string; label: string; placeholder?: string; onCommit?: (label: string) => void }) {
  const [value, setValue] = useState(label);
  const inputId = useId();
  useEffect(() => setValue(label), [label, id]);
  const commit = () => value !== label && (onCommit ? onCommit(value) : useEditor.getState().apply((d) => setLabel(d, id, value)));
  return (
    <div className="field">
      <label htmlFor={inputId}>Label</label>
      <input id={inputId} value={value} placeholder={placeholder} onChange={(e) => setValue(e.target.value)} onBlur={commit} onKeyDown={(e) => e.key === "Enter" && commit()} />
    </div>
  );
}

function ParamForm({ nodeId, type, params, fields, suggestions }: { nodeId: string; type: string; params: Record<string, unknown>; fields: FieldSpec[]; suggestions: Record<string, string[]> }) {
  const [drafts, setDrafts] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const { apply, notify } = useEditor.getState();

  const commit = (name: string, value: unknown) => {
    const layer = getNodeDefinition(type);
    if (!layer) return;
    const result = validateParams(layer, { ...params, [name]: value });
    if (!result.ok) {
      setErrors({ ...errors, [name]: result.errors[name] ?? Object.values(result.errors)[0] ?? "invalid" });
      notify("error", `${name}: ${result.errors[name] ?? "invalid value"} — not applied`);
      return;
    }
    setErrors((e) => ({ ...e, [name]: "" }));
    setDrafts((d) => ({ ...d, [name]: "" }));
    apply((d) => setParams(d, nodeId, result.params));
  };

  return (
    <form className="param-form" onSubmit={(e) => e.preventDefault()} aria-label={`Parameters of ${nodeId}`}>
      {fields.map((field) => {
        const id = `param-${nodeId}-${field.name}`;
        const value = params[field.name];
        const error = errors[field.name];
        const describedBy = `${id}-hint`;
        let control;
        if (field.kind === "enum") {
          control = (
            <select id={id} value={String(value)} onChange={(e) => commit(field.name, e.target.value)}>
              {field.options?.map((o) => (
                <option key={o}>{o}</option>
              ))}
            </select>
          );
        } else if (field.kind === "boolean") {
          control = <input id={id} type="checkbox" checked={Boolean(value)} onChange={(e) => commit(field.name, e.target.checked)} />;
        } else {
          const draft = drafts[field.name];
          const shown = draft !== undefined && draft !== "" ? draft : formatFieldValue(value);
          const parse = (text: string) => (field.kind === "number" ? (text.trim() === "" ? text : Number(text)) : parseFieldText(field, text));
          const options = field.suggest ? suggestions[field.suggest] : undefined;
          control = (
            <>
              <input
                list={options ? `${id}-options` : undefined}
                id={id}
                type={field.kind === "number" ? "number" : "text"}
                step={field.integer ? 1 : "any"}
                value={shown}
                aria-invalid={error ? true : undefined}
                aria-describedby={describedBy}
                onChange={(e) => setDrafts({ ...drafts, [field.name]: e.target.value })}
                onBlur={(e) => draft !== undefined && draft !== "" && commit(field.name, parse(e.target.value))}
                onKeyDown={(e) => e.key === "Enter" && commit(field.name, parse((e.target as HTMLInputElement).value))}
              />
              {options && (
                <datalist id={`${id}-options`}>
                  {options.map((o) => (
                    <option key={o} value={o} />
                  ))}
                </datalist>
              )}
            </>
          );
        }
        return (
          <div className={`field${field.kind === "boolean" ? " inline" : ""}`} key={field.name}>
            <label htmlFor={id}>{field.name}</label>
            {control}
            <span id={describedBy} className={error ? "error" : "hint"}>
              {error || field.description}
            </span>
          </div>
        );
      })}
    </form>
  );
}

/** The node's parameters with defaults filled in, as they will be used (what the form shows). */
function effectiveParams(type: string, params: Record<string, unknown>): Record<string, unknown> {
  const parsed = getNodeDefinition(type)?.params.safeParse(params);
  return parsed?.success ? (parsed.data as Record<string, unknown>) : params;
}
