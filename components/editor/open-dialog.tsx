"use client";

import { ConnectError } from "@connectrpc/connect";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { useEffect, useEffectEvent, useRef, useState } from "react";
import type { GraphSummary } from "../../gen/cyxwiz/v1/graph_service_pb";
import { useApi } from "../api/server-url";
import { deleteFromServer, listFromServer, openFromServer } from "./server-graphs";
import { formatCount } from "./use-analysis";

/** The graphs saved on the server, newest first: open one, or delete it. A modal dialog (Escape closes it). */
export function OpenDialog({ onClose }: { onClose: () => void }) {
  const api = useApi();
  const dialog = useRef<HTMLDialogElement>(null);
  const [graphs, setGraphs] = useState<GraphSummary[]>();
  const [error, setError] = useState<string>();

  const refresh = () => listFromServer(api).then(setGraphs, (e: unknown) => setError(ConnectError.from(e).rawMessage));

  // Once, when the dialog opens (later lists come from the buttons that change them).
  const open = useEffectEvent(() => {
    dialog.current?.showModal();
    void refresh();
  });
  useEffect(() => open(), []);

  const remove = async (graph: GraphSummary) => {
    if (!window.confirm(`Delete "${graph.name}" and all ${graph.revision} of its revisions from the server?`)) return;
    try {
      await deleteFromServer(api, graph.graphId);
      await refresh();
    } catch (e) {
      setError(ConnectError.from(e).rawMessage);
    }
  };

  return (
    <dialog ref={dialog} className="open-dialog" aria-labelledby="open-dialog-title" onClose={onClose}>
      <h2 id="open-dialog-title">Open a saved graph</h2>
      {error && <p className="notice error small">{error}</p>}
      {!graphs && !error && <p className="muted">Loading…</p>}
      {graphs?.length === 0 && <p className="muted">Nothing saved yet: “Save” (Ctrl+S) stores the current model here.</p>}
      {graphs && graphs.length > 0 && (
        <table className="table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Saved</th>
              <th>Nodes</th>
              <th>Parameters</th>
              <th>
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {graphs.map((g) => (
              <tr key={g.graphId} data-testid={`saved-graph-${g.name}`}>
                <td>
                  {g.name} {!g.valid && <span className="badge warn">has problems</span>}
                </td>
                <td className="small">
                  {g.updatedAt ? timestampDate(g.updatedAt).toLocaleString() : ""} · rev {g.revision}
                </td>
                <td>{g.nodeCount}</td>
                <td>{formatCount(Number(g.totalParams))}</td>
                <td className="row">
                  <button type="button" className="button small primary" onClick={() => void openFromServer(api, g.graphId).then((ok) => ok && dialog.current?.close())}>
                    Open
                  </button>
                  <button type="button" className="button small danger" onClick={() => void remove(g)} aria-label={`Delete ${g.name}`}>
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="row">
        <span className="spacer" />
        <button type="button" className="button" onClick={() => dialog.current?.close()}>
          Close
        </button>
      </div>
    </dialog>
  );
}
