import { Text } from "ink";
import { clockTime, fit, LOG_LEVEL_COLORS, oneLine, shortId } from "./format";
import { logLinesFitting } from "./layout";
import type { LogLine } from "./model";
import { Pane } from "./pane";

export function LogsPane(props: {
  lines: readonly LogLine[];
  /** Whose lines `lines` are; differs from the followed job for the moment between Enter and the next poll. */
  lineJobIds: readonly string[];
  /** The followed job, with its name while it is still among the listed jobs. */
  followed: { id: string; name?: string } | undefined;
  scroll: number;
  focused: boolean;
  width: number;
  height: number;
}) {
  const { lines, followed, scroll } = props;
  const visible = logLinesFitting(props.height);
  const end = lines.length - scroll;
  const shown = lines.slice(Math.max(0, end - visible), end);
  const loading = followed !== undefined && !(props.lineJobIds.length === 1 && props.lineJobIds[0] === followed.id);
  // With one job's lines its id on every line is noise; with several, ids (as in the jobs table) tell apart jobs that share a name.
  const showJobIds = new Set(lines.map((l) => l.jobId)).size > 1;
  const whose = followed
    ? `following ${[followed.name, shortId(followed.id)].filter(Boolean).join(" ")} (Esc: active and recent jobs)`
    : ["active and recent jobs", ...props.lineJobIds.map(shortId)].join(" ");
  const title = `4 Logs · ${whose}${scroll > 0 ? ` · ${scroll} lines back (End: newest)` : ""}`;
  return (
    <Pane title={title} width={props.width} height={props.height} focused={props.focused}>
      {loading ? (
        <Text dimColor wrap="truncate">
          loading…
        </Text>
      ) : lines.length === 0 ? (
        <Text dimColor wrap="truncate">
          no log lines yet
        </Text>
      ) : (
        shown.map((line) => (
          <Text key={line.id} wrap="truncate">
            <Text dimColor>{clockTime(line.time)} </Text>
            {showJobIds && <Text color="cyan">{shortId(line.jobId)} </Text>}
            <Text color={LOG_LEVEL_COLORS[line.level] ?? "white"}>{fit(line.level, 5)} </Text>
            {oneLine(line.message)}
          </Text>
        ))
      )}
    </Pane>
  );
}
