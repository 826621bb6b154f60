"use client";

import { useEffect, useRef, useState, type KeyboardEvent } from "react";
import { useServerUrl } from "../api/server-url";
import { useConsole, writeLog, type LogSource } from "./console-store";
import { runInSandbox, scriptRunner } from "./script-runner";

const FILTERS: { label: string; source?: LogSource }[] = [
  { label: "All" },
  { label: "Training", source: "training" },
  { label: "Jobs", source: "job" },
  { label: "Scripts", source: "script" },
  { label: "Editor", source: "editor" },
];

/** Logs from training, jobs, the editor and scripts, and a JavaScript prompt with `tf` and `cyxwiz`. */
export function ConsolePanel() {
  const entries = useConsole((s) => s.entries);
  const serverUrl = useServerUrl();
  const [filter, setFilter] = useState<LogSource | undefined>();
  const [input, setInput] = useState("");
  const [running, setRunning] = useState(false);
  const history = useRef<string[]>([]);
  const cursor = useRef(0);
  const list = useRef<HTMLOListElement>(null);
  const shown = filter ? entries.filter((e) => e.source === filter) : entries;

  useEffect(() => {
    list.current?.scrollTo({ top: list.current.scrollHeight });
  }, [shown.length]);

  const submit = async () => {
    const code = input.trim();
    if (!code || running) return;
    history.current = [...history.current.filter((h) => h !== code), code].slice(-100);
    cursor.current = history.current.length;
    setInput("");
    writeLog("script", "input", code);
    setRunning(true);
    await runInSandbox(code, serverUrl);
    setRunning(false);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      void submit();
    } else if ((event.key === "ArrowUp" || event.key === "ArrowDown") && !input.includes("\n")) {
      event.preventDefault();
      cursor.current = Math.max(0, Math.min(history.current.length, cursor.current + (event.key === "ArrowUp" ? -1 : 1)));
      setInput(history.current[cursor.current] ?? "");
    }
  };

  return (
    <div className="console-panel">
      <div className="row console-filters" role="group" aria-label="Show logs from">
        {FILTERS.map((f) => (
          <button key={f.label} type="button" className={`chip${filter === f.source ? " active" : ""}`} aria-pressed={filter === f.source} onClick={() => setFilter(f.source)}>
            {f.label}
          </button>
        ))}
        <span className="spacer" />
        <button type="button" className="button small" onClick={() => useConsole.getState().clear()}>
          Clear
        </button>
      </div>
      <ol ref={list} className="console-log" role="log" aria-label="Console output" data-testid="console-log">
        {shown.map((e) => (
          <li key={e.id} className={`log-${e.level}`}>
            <span className="log-source">{e.source}</span>
            <span className="log-text">{e.level === "input" ? `› ${e.text}` : e.text}</span>
          </li>
        ))}
        {shown.length === 0 && <li className="muted">Nothing yet. Type JavaScript below: tf, cyxwiz.graph, cyxwiz.analyze(), cyxwiz.codegen("keras")…</li>}
      </ol>
      <div className="console-prompt">
        <span aria-hidden="true">›</span>
        <textarea
          rows={1}
          value={input}
          onChange={(e) => setInput(e.target.value)}
          onKeyDown={onKeyDown}
          placeholder={running ? "running…" : "JavaScript (Enter runs, Shift+Enter for a new line, ↑ for history)"}
          aria-label="JavaScript console input"
          spellCheck={false}
        />
        {running && (
          <button type="button" className="button small danger" onClick={() => scriptRunner?.stop()}>
            Stop
          </button>
        )}
      </div>
    </div>
  );
}
