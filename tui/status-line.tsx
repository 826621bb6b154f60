import { Box, Text } from "ink";
import { connectionLine } from "./format";
import type { Connection } from "./model";

const KEYS = "Tab/1-4 pane · ↑↓ select · Enter follow log · Esc all logs · q quit";

export function StatusLine({ connection, server, now, width }: { connection: Connection; server: string; now: number; width: number }) {
  const { color, text } = connectionLine(connection, server, now);
  // The keys give way first when the terminal is narrow: the connection matters more.
  const keys = width - text.length - 4 >= KEYS.length ? KEYS : "";
  return (
    <Box width={width} height={1} justifyContent="space-between">
      <Text wrap="truncate">
        <Text color={color}>● </Text>
        {text}
      </Text>
      {keys && <Text dimColor>{keys}</Text>}
    </Box>
  );
}
