"use client";

import { timestampDate } from "@bufbuild/protobuf/wkt";
import { useEffect, useRef } from "react";
import type { LogLine } from "../../gen/cyxwiz/v1/job_pb";

/** The job's log, newest at the bottom, kept scrolled to the end while it grows. */
export function LogPanel({ logs }: { logs: LogLine[] }) {
  const list = useRef<HTMLOListElement>(null);
  useEffect(() => {
    const el = list.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [logs.length]);
  return (
    <section className="card" aria-labelledby="log-title">
      <h2 id="log-title">Log</h2>
      <ol ref={list} className="log" aria-live="polite" aria-relevant="additions">
        {logs.length === 0 && <li className="muted">nothing yet</li>}
        {logs.map((line, i) => (
          <li key={i} className={line.level}>
            <time>{line.time ? timestampDate(line.time).toLocaleTimeString() : ""}</time>
            {line.message}
          </li>
        ))}
      </ol>
    </section>
  );
}
