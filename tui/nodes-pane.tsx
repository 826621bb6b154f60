import type { NodeInfo } from "./api";
import { ago, compactNumber, percent, shortId } from "./format";
import { tableRowsFitting } from "./layout";
import { innerWidth, Pane, Table, type Column } from "./pane";

const nodeState = (node: NodeInfo) => (node.online ? node.status.toLowerCase() : "offline");
const STATE_COLORS: Record<string, string> = { idle: "green", busy: "blue", offline: "gray" };

export function NodesPane(props: {
  nodes: readonly NodeInfo[];
  selectedId: string | undefined;
  /** Whether the server has answered yet: until then an empty table says nothing about the network. */
  loaded: boolean;
  focused: boolean;
  width: number;
  height: number;
  now: number;
}) {
  const { nodes, now } = props;
  const online = nodes.filter((n) => n.online).length;
  const columns: Column<NodeInfo>[] = [
    { header: "NAME", width: { flex: 1, min: 10 }, text: (n) => n.name || shortId(n.id) },
    { header: "RUNTIME", width: 8, text: (n) => n.runtime },
    { header: "BACKEND", width: 7, text: (n) => n.backend || "—" },
    { header: "GFLOPS", width: 7, align: "right", text: (n) => compactNumber(n.computeScore) },
    { header: "STATUS", width: 7, text: nodeState, color: (n) => STATE_COLORS[nodeState(n)] },
    { header: "REP", width: 4, align: "right", text: (n) => n.reputation.toFixed(0) },
    { header: "CPU", width: 4, align: "right", text: (n) => (n.live?.cpuUsage != null ? percent(n.live.cpuUsage) : "—") },
    { header: "SMP/S", width: 6, align: "right", text: (n) => (n.live?.samplesPerSecond ? compactNumber(n.live.samplesPerSecond) : "—") },
    { header: "SEEN", width: 5, align: "right", text: (n) => ago(Date.parse(n.lastSeen), now) },
  ];
  return (
    <Pane title={`2 Nodes · ${online}/${nodes.length} online`} width={props.width} height={props.height} focused={props.focused}>
      <Table
        columns={columns}
        rows={nodes}
        selectedId={props.selectedId}
        focused={props.focused}
        width={innerWidth(props.width)}
        visibleRows={tableRowsFitting(props.height)}
        empty={props.loaded ? "no nodes have registered yet: open /worker in a browser or run `npm run worker`" : "waiting for the server…"}
      />
    </Pane>
  );
}
