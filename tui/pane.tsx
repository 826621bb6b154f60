import { Box, Text } from "ink";
import type { ReactNode } from "react";
import { fit } from "./format";
import { columnWidths, scrollStart, titleEdge, type ColumnWidth } from "./layout";
import { selectedIndex } from "./navigation";

/** Columns a pane's content has: its width less the side borders and padding. */
export const innerWidth = (width: number) => Math.max(0, width - 4);

export function Pane({ title, width, height, focused, children }: { title: string; width: number; height: number; focused: boolean; children: ReactNode }) {
  const color = focused ? "cyan" : "gray";
  return (
    <Box flexDirection="column" width={width} height={height} flexShrink={0}>
      <Text color={color} bold={focused} wrap="truncate">
        {titleEdge(title, width)}
      </Text>
      <Box flexDirection="column" borderStyle="round" borderTop={false} borderColor={color} paddingX={1} height={height - 1} overflow="hidden">
        {children}
      </Box>
    </Box>
  );
}

export interface Column<T> {
  header: string;
  width: ColumnWidth;
  align?: "left" | "right";
  text(row: T): string;
  color?(row: T): string | undefined;
}

/** A header and the rows that fit, scrolled to keep the selected row in view (highlighted while the pane has the keys). */
export function Table<T extends { id: string }>(props: {
  columns: readonly Column<T>[];
  rows: readonly T[];
  selectedId: string | undefined;
  focused: boolean;
  width: number;
  visibleRows: number;
  empty: string;
}) {
  const { columns, rows, focused, width, visibleRows } = props;
  const widths = columnWidths(
    columns.map((c) => c.width),
    width,
  );
  const cell = (column: Column<T>, index: number, text: string) => (index > 0 ? " " : "") + fit(text, widths[index] ?? 0, column.align);
  const selected = selectedIndex(
    rows.map((r) => r.id),
    props.selectedId,
  );
  const start = scrollStart(selected, rows.length, visibleRows);
  return (
    <>
      <Text bold dimColor wrap="truncate">
        {columns.map((c, i) => cell(c, i, c.header)).join("")}
      </Text>
      {rows.length === 0 ? (
        <Text dimColor wrap="truncate">
          {props.empty}
        </Text>
      ) : (
        rows.slice(start, start + visibleRows).map((row, i) => (
          <Text key={row.id} wrap="truncate" inverse={focused && start + i === selected}>
            {columns.map((c, ci) => (
              <Text key={ci} color={c.color?.(row)}>
                {cell(c, ci, c.text(row))}
              </Text>
            ))}
          </Text>
        ))
      )}
    </>
  );
}
