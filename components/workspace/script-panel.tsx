"use client";

import dynamic from "next/dynamic";
import { useEffect, useId, useState } from "react";
import { useServerUrl } from "../api/server-url";
import { DEFAULT_TIMEOUT_MS, runInSandbox, scriptRunner } from "./script-runner";

// Monaco is large: it loads from this server (public/monaco, copied from the monaco-editor package) the first time the panel opens.
const MonacoEditor = dynamic(
  async () => {
    const { default: Editor, loader } = await import("@monaco-editor/react");
    loader.config({ paths: { vs: "/monaco/vs" } });
    return Editor;
  },
  { ssr: false, loading: () => <p className="muted">Loading the editor…</p> },
);

const STORAGE_KEY = "cyxwiz.editor.scripts";

interface Script {
  name: string;
  code: string;
}

const EXAMPLE: Script = {
  name: "Explore the model",
  code: `// Scripts run in a sandboxed worker with tf (TensorFlow.js) and cyxwiz (this project's API).
// Output goes to the Console; the value of the last line is printed too.
const summary = cyxwiz.analyze();
console.log(\`\${cyxwiz.graph.nodes.length} nodes, \${summary.totalParams} parameters\`);
const x = tf.randomNormal([2, 3]);
console.log("a random tensor:", x);
summary.ok ? "the model is valid" : summary.issues.join("\\n");
`,
};

function loadScripts(): Script[] {
  try {
    const list = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? "null") as Script[] | null;
    return Array.isArray(list) && list.length > 0 && list.every((s) => typeof s.name === "string" && typeof s.code === "string") ? list : [EXAMPLE];
  } catch {
    return [EXAMPLE];
  }
}

/** Monaco with the user's scripts (kept in this browser); Run (Ctrl+Enter) executes in the sandbox with a time limit. */
export function ScriptPanel() {
  const serverUrl = useServerUrl();
  const [scripts, setScripts] = useState<Script[]>([EXAMPLE]);
  const [index, setIndex] = useState(0);
  const [seconds, setSeconds] = useState(DEFAULT_TIMEOUT_MS / 1000);
  const [state, setState] = useState<"idle" | "running" | "ok" | "failed">("idle");
  const timeoutId = useId();
  useEffect(() => setScripts(loadScripts()), []);

  const script = scripts[index] ?? scripts[0] ?? EXAMPLE;
  const update = (next: Script[]) => {
    setScripts(next);
    localStorage.setItem(STORAGE_KEY, JSON.stringify(next));
  };
  const edit = (code: string) => update(scripts.map((s, i) => (i === index ? { ...s, code } : s)));

  const run = async () => {
    if (state === "running") return;
    setState("running");
    const ok = await runInSandbox(script.code, serverUrl, Math.max(1, Math.min(300, seconds)) * 1000);
    setState(ok ? "ok" : "failed");
  };

  return (
    <div className="script-panel">
      <div className="row">
        <select aria-label="Script" value={index} onChange={(e) => setIndex(Number(e.target.value))}>
          {scripts.map((s, i) => (
            <option key={i} value={i}>
              {s.name}
            </option>
          ))}
        </select>
        <button
          type="button"
          className="button small"
          onClick={() => {
            const name = window.prompt("Name of the new script", `Script ${scripts.length + 1}`)?.trim();
            if (!name) return;
            update([...scripts, { name, code: "// tf and cyxwiz are here\n" }]);
            setIndex(scripts.length);
          }}
        >
          New script
        </button>
        <button
          type="button"
          className="button small"
          disabled={scripts.length < 2}
          onClick={() => {
            if (!window.confirm(`Delete the script "${script.name}"?`)) return;
            update(scripts.filter((_, i) => i !== index));
            setIndex(0);
          }}
        >
          Delete
        </button>
        <span className="spacer" />
        <label htmlFor={timeoutId} className="small muted">
          Time limit (s)
        </label>
        <input id={timeoutId} className="narrow" type="number" min={1} max={300} value={seconds} onChange={(e) => setSeconds(Number(e.target.value) || DEFAULT_TIMEOUT_MS / 1000)} />
        {state === "running" ? (
          <button type="button" className="button small danger" onClick={() => scriptRunner?.stop()}>
            Stop
          </button>
        ) : (
          <button type="button" className="button small primary" onClick={() => void run()} title="Ctrl+Enter" data-testid="run-script">
            Run
          </button>
        )}
        <span className="small muted" role="status" data-testid="script-state">
          {state === "running" ? "running…" : state === "ok" ? "finished (output in the Console)" : state === "failed" ? "failed (see the Console)" : ""}
        </span>
      </div>
      <div className="script-editor">
        <MonacoEditor
          language="javascript"
          theme="vs-dark"
          value={script.code}
          onChange={(value) => edit(value ?? "")}
          onMount={(editor, monaco: typeof import("monaco-editor")) => {
            editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter, () => document.querySelector<HTMLButtonElement>("[data-testid=run-script]")?.click());
          }}
          options={{ minimap: { enabled: false }, fontSize: 13, scrollBeyondLastLine: false, automaticLayout: true, tabSize: 2 }}
        />
      </div>
    </div>
  );
}
