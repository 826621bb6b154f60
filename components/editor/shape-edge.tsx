"use client";

import { BaseEdge, EdgeLabelRenderer, getBezierPath, useStore, type EdgeProps } from "@xyflow/react";
import { memo } from "react";

/** Below this zoom, text is unreadable anyway: labels and badges are left out, so large graphs pan smoothly. */
export const DETAIL_ZOOM = 0.55;
export const useDetailed = () => useStore((s) => s.transform[2] >= DETAIL_ZOOM);

/** An edge labelled with the shape of the tensor it carries. */
export const ShapeEdge = memo(function ShapeEdge(props: EdgeProps) {
  const detailed = useDetailed();
  const [path, labelX, labelY] = getBezierPath(props);
  return (
    <>
      <BaseEdge id={props.id} path={path} markerEnd={props.markerEnd} style={props.style} interactionWidth={12} />
      {detailed && props.label && (
        <EdgeLabelRenderer>
          <div className="edge-label nodrag nopan" style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }}>
            {props.label}
          </div>
        </EdgeLabelRenderer>
      )}
    </>
  );
});
