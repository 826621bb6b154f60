"use client";

import { ConnectError } from "@connectrpc/connect";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { templates, type ModelTemplate } from "../../lib/graph/templates";
import { submitJob } from "../api/job-tokens";
import { useApi } from "../api/server-url";
import { Architecture } from "./architecture";
import { HyperparameterFields, useHyperparameterForm, valuesFrom } from "./hyperparameter-fields";

/** Pick a template, set the training settings, submit: the job page takes it from there. */
export function SubmitJobForm() {
  const api = useApi();
  const router = useRouter();
  const [template, setTemplate] = useState<ModelTemplate>(templates[0] as ModelTemplate);
  const form = useHyperparameterForm(valuesFrom(template.hyperparameters));
  const [serverError, setServerError] = useState<string>();
  const [submitting, setSubmitting] = useState(false);

  const choose = (t: ModelTemplate) => {
    setTemplate(t);
    form.setValues(valuesFrom(t.hyperparameters));
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const hp = form.parse();
    if (!hp) return;
    setServerError(undefined);
    setSubmitting(true);
    try {
      const { job } = await submitJob(api, {
        config: {
          name: template.name,
          modelDefinition: JSON.stringify(template.graph),
          datasetUri: `dataset:${template.dataset}`,
          hyperparameters: hp,
        },
      });
      router.push(`/jobs/${job?.id}`);
    } catch (error) {
      setServerError(error instanceof ConnectError ? error.rawMessage : (error as Error).message);
      setSubmitting(false);
    }
  };

  return (
    <form onSubmit={submit} className="stack" aria-describedby={serverError ? "submit-error" : undefined}>
      <section aria-labelledby="pick-template">
        <h2 id="pick-template">1 · Pick a model</h2>
        <div className="template-picker">
          <div className="stack" role="radiogroup" aria-label="Model template">
            {datasetsOf(templates).map((dataset) => (
              <fieldset key={dataset} className="template-group">
                <legend className="mono muted">{dataset}</legend>
                {templates
                  .filter((t) => t.dataset === dataset)
                  .map((t) => (
                    <button type="button" key={t.id} role="radio" aria-checked={t.id === template.id} className="card selectable compact" onClick={() => choose(t)} data-template={t.id}>
                      <strong>{t.name}</strong>
                      <span className="muted small">{t.description}</span>
                    </button>
                  ))}
              </fieldset>
            ))}
          </div>
          <aside className="card" aria-label={`Layers of ${template.name}`}>
            <div className="row spread">
              <strong>{template.name}</strong>
              <Link className="button small" href={`/editor?template=${template.id}`}>
                Open in editor
              </Link>
            </div>
            <Architecture graph={template.graph} />
          </aside>
        </div>
      </section>

      <section className="card" aria-labelledby="settings">
        <h2 id="settings">2 · Training settings</h2>
        <HyperparameterFields form={form} />
      </section>

      {serverError && (
        <p id="submit-error" className="notice error" role="alert">
          {serverError}
        </p>
      )}
      <div className="row">
        <button type="submit" className="button primary" disabled={submitting}>
          {submitting ? "Submitting…" : "Train on the network"}
        </button>
        <span className="muted">The job goes to the first free compute node; you can watch it train live.</span>
      </div>
    </form>
  );
}

function datasetsOf(list: readonly ModelTemplate[]): string[] {
  return [...new Set(list.map((t) => t.dataset))];
}
