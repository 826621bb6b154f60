"use client";

import { ConnectError } from "@connectrpc/connect";
import { useRouter } from "next/navigation";
import { useId, useState, type FormEvent } from "react";
import { templates, type ModelTemplate } from "../../lib/graph/templates";
import { hyperparametersSchema, type Hyperparameters } from "../../lib/train/hyperparameters";
import { useApi } from "../api/server-url";
import { Architecture } from "./architecture";

type FieldName = "epochs" | "batchSize" | "learningRate" | "optimizer" | "validationSplit";
type Values = Record<FieldName, string>;

const valuesOf = (t: ModelTemplate): Values => ({
  epochs: String(t.hyperparameters.epochs),
  batchSize: String(t.hyperparameters.batchSize),
  learningRate: String(t.hyperparameters.learningRate),
  optimizer: t.hyperparameters.optimizer,
  validationSplit: "0.1",
});

/** Pick a template, set the training settings, submit: the job page takes it from there. */
export function SubmitJobForm() {
  const api = useApi();
  const router = useRouter();
  const [template, setTemplate] = useState<ModelTemplate>(templates[0] as ModelTemplate);
  const [values, setValues] = useState<Values>(valuesOf(template));
  const [errors, setErrors] = useState<Partial<Record<FieldName, string>>>({});
  const [serverError, setServerError] = useState<string>();
  const [submitting, setSubmitting] = useState(false);

  const choose = (t: ModelTemplate) => {
    setTemplate(t);
    setValues(valuesOf(t));
    setErrors({});
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const parsed = hyperparametersSchema.safeParse({
      epochs: Number(values.epochs),
      batchSize: Number(values.batchSize),
      learningRate: Number(values.learningRate),
      optimizer: values.optimizer,
      validationSplit: Number(values.validationSplit),
    });
    if (!parsed.success) {
      setErrors(Object.fromEntries(parsed.error.issues.map((i) => [i.path[0], i.message])));
      return;
    }
    setErrors({});
    setServerError(undefined);
    setSubmitting(true);
    const hp: Hyperparameters = parsed.data;
    try {
      const { job } = await api.jobs.submitJob({
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
        <div className="grid grid-2" role="radiogroup" aria-label="Model template">
          {templates.map((t) => (
            <button
              type="button"
              key={t.id}
              role="radio"
              aria-checked={t.id === template.id}
              className="card selectable"
              onClick={() => choose(t)}
              data-template={t.id}
            >
              <div className="row spread">
                <strong>{t.name}</strong>
                <span className="muted mono">{t.dataset}</span>
              </div>
              <p className="muted" style={{ margin: "6px 0 0" }}>
                {t.description}
              </p>
              <Architecture graph={t.graph} />
            </button>
          ))}
        </div>
      </section>

      <section className="card" aria-labelledby="settings">
        <h2 id="settings">2 · Training settings</h2>
        <div className="form-grid">
          <NumberField name="epochs" label="Epochs" hint="Passes over the data (1–1000)" values={values} errors={errors} onChange={setValues} step="1" />
          <NumberField name="batchSize" label="Batch size" hint="Samples per step (1–8192)" values={values} errors={errors} onChange={setValues} step="1" />
          <NumberField name="learningRate" label="Learning rate" hint="Step size, e.g. 0.001" values={values} errors={errors} onChange={setValues} step="any" />
          <SelectField values={values} onChange={setValues} />
          <NumberField
            name="validationSplit"
            label="Validation share"
            hint="Held out each epoch (0–0.5)"
            values={values}
            errors={errors}
            onChange={setValues}
            step="0.05"
          />
        </div>
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

interface FieldProps {
  name: FieldName;
  label: string;
  hint: string;
  step: string;
  values: Values;
  errors: Partial<Record<FieldName, string>>;
  onChange: (update: (v: Values) => Values) => void;
}

function NumberField({ name, label, hint, step, values, errors, onChange }: FieldProps) {
  const id = useId();
  const error = errors[name];
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        name={name}
        type="number"
        inputMode="decimal"
        step={step}
        value={values[name]}
        aria-invalid={error ? true : undefined}
        aria-describedby={`${id}-hint`}
        onChange={(e) => onChange((v) => ({ ...v, [name]: e.target.value }))}
      />
      <span id={`${id}-hint`} className={error ? "error" : "hint"}>
        {error ?? hint}
      </span>
    </div>
  );
}

function SelectField({ values, onChange }: Pick<FieldProps, "values" | "onChange">) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>Optimizer</label>
      <select id={id} name="optimizer" value={values.optimizer} onChange={(e) => onChange((v) => ({ ...v, optimizer: e.target.value }))}>
        <option value="adam">Adam</option>
        <option value="sgd">SGD</option>
      </select>
      <span className="hint">How weights are updated</span>
    </div>
  );
}
