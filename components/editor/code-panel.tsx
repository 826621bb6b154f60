"use client";

import { useMemo, useState } from "react";
import { CODEGEN_TARGETS, generateCode, type CodegenTarget } from "../../lib/codegen";
import { toExecutionGraph } from "../../lib/editor/document";
import { useDocument } from "./editor-store";
import { downloadText } from "./files";
import type { DocumentAnalysis } from "./use-analysis";

/** The model as PyTorch, Keras or TensorFlow.js source, regenerated on every change. */
export function CodePanel({ analysis }: { analysis: DocumentAnalysis }) {
  const doc = useDocument();
  const [target, setTarget] = useState<CodegenTarget>("pytorch");
  const code = useMemo(() => (analysis.analysis.ok ? generateCode(toExecutionGraph(doc), target) : undefined), [doc, target, analysis]);
  const file = `${doc.name.replace(/[^A-Za-z0-9]+/g, "_").toLowerCase() || "model"}.${CODEGEN_TARGETS[target].extension}`;
  return (
    <section className="code-panel" aria-label="Generated code">
      <div className="row" role="tablist" aria-label="Framework">
        {(Object.keys(CODEGEN_TARGETS) as CodegenTarget[]).map((t) => (
          <button key={t} type="button" role="tab" aria-selected={t === target} className={`tab${t === target ? " active" : ""}`} onClick={() => setTarget(t)}>
            {CODEGEN_TARGETS[t].label}
          </button>
        ))}
        <span className="spacer" />
        <button type="button" className="button small" disabled={!code} onClick={() => code && void navigator.clipboard.writeText(code)}>
          Copy
        </button>
        <button type="button" className="button small" disabled={!code} onClick={() => code && downloadText(file, code, "text/plain")} data-testid="download-code">
          Download {file}
        </button>
      </div>
      {code ? (
        <pre className="code" data-testid="generated-code" tabIndex={0}>
          {code}
        </pre>
      ) : (
        <p className="muted">Fix the {analysis.analysis.issues.length} problem(s) in the graph to see its code.</p>
      )}
    </section>
  );
}
