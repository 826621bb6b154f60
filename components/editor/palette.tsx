"use client";

import { useReactFlow } from "@xyflow/react";
import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from "react";
import { insertBlock, type Block } from "../../lib/editor/blocks";
import { addNode } from "../../lib/editor/commands";
import type { EditorDocument, Position } from "../../lib/editor/document";
import { nodeRegistry } from "../../lib/graph/registry";
import { useBlockLibrary } from "./block-library";
import { BLOCK_MIME, PALETTE_MIME } from "./canvas";
import { useEditor } from "./editor-store";

const ORDER: string[] = [
  "data",
  "input",
  "core",
  "convolution",
  "pooling",
  "normalization",
  "regularization",
  "reshape",
  "recurrent",
  "attention",
  "activation",
  "merge",
  "output",
  "optimizer",
  "schedule",
  "regularizer",
];

/** Every node type, searchable by name and description; Enter or a click adds, dragging places. */
export function Palette({ searchRef }: { searchRef: React.RefObject<HTMLInputElement | null> }) {
  const [query, setQuery] = useState("");
  const [active, setActive] = useState(0);
  const flow = useReactFlow();
  const list = useRef<HTMLUListElement>(null);
  const { apply, select } = useEditor.getState();

  const matches = useMemo(() => {
    const q = query.trim().toLowerCase();
    const all = [...nodeRegistry.values()].sort((a, b) => ORDER.indexOf(a.category) - ORDER.indexOf(b.category));
    if (!q) return all;
    const score = (text: string) => (text.toLowerCase().startsWith(q) ? 0 : text.toLowerCase().includes(q) ? 1 : 2);
    return all
      .map((l) => ({ l, s: Math.min(score(l.type), score(l.label) + 0.1, score(l.category) + 1, score(l.description) + 1.5) }))
      .filter((x) => x.s < 2.5 && (x.s < 2 || x.l.description.toLowerCase().includes(q)))
      .sort((a, b) => a.s - b.s)
      .map((x) => x.l);
  }, [query]);

  /** Applies an insertion at the middle of the visible canvas (a little scattered, so repeated adds do not stack) and selects what it made. */
  const place = (insert: (d: EditorDocument, at: Position) => { doc: EditorDocument; id: string }, group: boolean) => {
    const box = document.querySelector(".canvas")?.getBoundingClientRect();
    const center = flow.screenToFlowPosition({ x: (box?.left ?? 0) + (box?.width ?? 600) / 2, y: (box?.top ?? 0) + (box?.height ?? 400) / 2 });
    let id = "";
    apply((d) => {
      const result = insert(d, { x: center.x - 100 + Math.random() * 40, y: center.y - 40 + Math.random() * 40 });
      id = result.id;
      return result.doc;
    });
    select(group ? { nodes: [], edges: [], groups: [id] } : { nodes: [id], edges: [], groups: [] });
  };
  const add = (type: string) => place((d, at) => addNode(d, type, at), false);
  const addBlock = (block: Block) =>
    place((d, at) => {
      const result = insertBlock(d, block, at);
      return { doc: result.doc, id: result.groupId };
    }, true);

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const next = Math.max(0, Math.min(matches.length - 1, active + (event.key === "ArrowDown" ? 1 : -1)));
      setActive(next);
      list.current?.children[next]?.scrollIntoView({ block: "nearest" });
    } else if (event.key === "Enter" && matches[active]) {
      event.preventDefault();
      add(matches[active].type);
    } else if (event.key === "Escape") {
      setQuery("");
      (event.target as HTMLInputElement).blur();
    }
  };

  return (
    <aside className="palette" aria-label="Layer palette">
      <input
        ref={searchRef}
        className="palette-search"
        type="search"
        placeholder="Search layers…  (Ctrl+K)"
        aria-label="Search layers"
        aria-controls="palette-list"
        aria-activedescendant={matches[active] ? `palette-${matches[active].type}` : undefined}
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          setActive(0);
        }}
        onKeyDown={onKeyDown}
      />
      <ul id="palette-list" ref={list} className="palette-list" role="listbox" aria-label="Layers">
        {matches.map((layer, i) => (
          <li
            key={layer.type}
            id={`palette-${layer.type}`}
            role="option"
            aria-selected={i === active}
            className={i === active ? "active" : undefined}
            draggable
            onDragStart={(e) => {
              e.dataTransfer.setData(PALETTE_MIME, layer.type);
              e.dataTransfer.effectAllowed = "copy";
            }}
            onClick={() => add(layer.type)}
            title={layer.description}
            data-layer={layer.type}
          >
            <span className={`dot-cat cat-${layer.category}`} aria-hidden="true" />
            <span className="palette-name">{layer.label}</span>
            <span className="palette-cat">{layer.category}</span>
          </li>
        ))}
        {matches.length === 0 && <li className="muted">No layer matches “{query}”.</li>}
      </ul>
      <BlockList onAdd={addBlock} />
    </aside>
  );
}

/** The user's saved blocks: click to add, drag to place, × to forget. */
function BlockList({ onAdd }: { onAdd: (block: Block) => void }) {
  const blocks = useBlockLibrary((s) => s.blocks);
  useEffect(() => useBlockLibrary.getState().restore(), []);
  return (
    <section className="block-list" aria-label="Your blocks">
      <h3>Your blocks</h3>
      {blocks.length === 0 && <p className="muted small">Group nodes (Ctrl+G), then “Save as block” to reuse them here.</p>}
      <ul className="palette-list">
        {blocks.map((block) => (
          <li
            key={block.name}
            draggable
            onDragStart={(e) => {
              e.dataTransfer.setData(BLOCK_MIME, block.name);
              e.dataTransfer.effectAllowed = "copy";
            }}
            data-block={block.name}
          >
            <button type="button" className="palette-block" onClick={() => onAdd(block)} title={`Add ${block.name} (${block.fragment.nodes.length} nodes)`}>
              <span className="dot-cat cat-block" aria-hidden="true" />
              <span className="palette-name">{block.name}</span>
              <span className="palette-cat">{block.fragment.nodes.length} nodes</span>
            </button>
            <button type="button" className="icon-button" aria-label={`Forget block ${block.name}`} onClick={() => useBlockLibrary.getState().remove(block.name)}>
              ×
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
