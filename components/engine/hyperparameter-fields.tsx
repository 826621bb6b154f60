"use client";

import { useId, useState } from "react";
import { hyperparametersSchema, type Hyperparameters } from "../../lib/job/hyperparameters";

type FieldName = "epochs" | "batchSize" | "learningRate" | "optimizer" | "validationSplit" | "earlyStoppingPatience" | "clipNorm";
export type HyperparameterValues = Record<FieldName, string>;

export const valuesFrom = (hp: Pick<Hyperparameters, "epochs" | "batchSize" | "learningRate" | "optimizer"> & { validationSplit?: number }): HyperparameterValues => ({
  epochs: String(hp.epochs),
  batchSize: String(hp.batchSize),
  learningRate: String(hp.learningRate),
  optimizer: hp.optimizer,
  validationSplit: String(hp.validationSplit ?? 0.1),
  earlyStoppingPatience: "0",
  clipNorm: "0",
});

/** Training settings as form state, validated with the same schema the server uses. */
export function useHyperparameterForm(initial: HyperparameterValues) {
  const [values, setValues] = useState(initial);
  const [errors, setErrors] = useState<Partial<Record<FieldName, string>>>({});
  const parse = (): Hyperparameters | undefined => {
    const parsed = hyperparametersSchema.safeParse({
      epochs: Number(values.epochs),
      batchSize: Number(values.batchSize),
      learningRate: Number(values.learningRate),
      optimizer: values.optimizer,
      validationSplit: Number(values.validationSplit),
      earlyStoppingPatience: Number(values.earlyStoppingPatience || 0),
      clipNorm: Number(values.clipNorm || 0),
    });
    if (!parsed.success) {
      setErrors(Object.fromEntries(parsed.error.issues.map((i) => [String(i.path[0]), i.message])) as Partial<Record<FieldName, string>>);
      return undefined;
    }
    setErrors({});
    return parsed.data;
  };
  return { values, setValues, errors, parse };
}

export type HyperparameterForm = ReturnType<typeof useHyperparameterForm>;

/** Epochs, batch size, learning rate, optimizer, validation share, early stopping and gradient clipping, each with its hint or error. */
export function HyperparameterFields({ form }: { form: HyperparameterForm }) {
  return (
    <div className="form-grid">
      <NumberField form={form} name="epochs" label="Epochs" hint="Passes over the data (1–1000)" step="1" />
      <NumberField form={form} name="batchSize" label="Batch size" hint="Samples per step (1–8192)" step="1" />
      <NumberField form={form} name="learningRate" label="Learning rate" hint="Step size, e.g. 0.001" step="any" />
      <OptimizerField form={form} />
      <NumberField form={form} name="validationSplit" label="Validation share" hint="Held out each epoch (0–0.5)" step="0.05" />
      <NumberField form={form} name="earlyStoppingPatience" label="Early stopping" hint="Stop after this many epochs without a better validation loss, keeping the best (0: off)" step="1" />
      <NumberField form={form} name="clipNorm" label="Gradient clipping" hint="Largest gradient norm per step (0: off)" step="any" />
    </div>
  );
}

function NumberField({ form, name, label, hint, step }: { form: HyperparameterForm; name: FieldName; label: string; hint: string; step: string }) {
  const id = useId();
  const error = form.errors[name];
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        name={name}
        type="number"
        inputMode="decimal"
        step={step}
        value={form.values[name]}
        aria-invalid={error ? true : undefined}
        aria-describedby={`${id}-hint`}
        onChange={(e) => form.setValues((v) => ({ ...v, [name]: e.target.value }))}
      />
      <span id={`${id}-hint`} className={error ? "error" : "hint"}>
        {error ?? hint}
      </span>
    </div>
  );
}

function OptimizerField({ form }: { form: HyperparameterForm }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>Optimizer</label>
      <select id={id} name="optimizer" value={form.values.optimizer} onChange={(e) => form.setValues((v) => ({ ...v, optimizer: e.target.value }))}>
        <option value="adam">Adam</option>
        <option value="sgd">SGD</option>
      </select>
      <span className="hint">How weights are updated</span>
    </div>
  );
}
