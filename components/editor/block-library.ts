"use client";

import { create } from "zustand";
import { parseBlocks, type Block } from "../../lib/editor/blocks";

const STORAGE_KEY = "cyxwiz.editor.blocks";

interface BlockLibrary {
  blocks: Block[];
  /** Reads the library saved in this browser (after mount: localStorage is not there during server rendering). */
  restore(): void;
  /** Adds a block, replacing one with the same name. */
  save(block: Block): void;
  remove(name: string): void;
}

const persist = (blocks: Block[]) => localStorage.setItem(STORAGE_KEY, JSON.stringify(blocks));

/** The user's reusable blocks, kept in this browser and offered in the palette. */
export const useBlockLibrary = create<BlockLibrary>()((set, get) => ({
  blocks: [],
  restore: () => set({ blocks: parseBlocks(localStorage.getItem(STORAGE_KEY)) }),
  save: (block) => {
    const blocks = [...get().blocks.filter((b) => b.name !== block.name), block].sort((a, b) => a.name.localeCompare(b.name));
    persist(blocks);
    set({ blocks });
  },
  remove: (name) => {
    const blocks = get().blocks.filter((b) => b.name !== name);
    persist(blocks);
    set({ blocks });
  },
}));
