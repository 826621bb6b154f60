import { z } from "zod";
import { pyCall } from "../snippets/literals";
import { applyLayer, defineLayer, firstInput, ShapeError, type Helper } from "../layer";
import { formatShape } from "../types";
import { elementwiseFlops } from "./common";
import { customLayers, TFJS_SOURCES } from "./custom-tfjs";

const PYTORCH_SAMPLING: Helper = {
  name: "Sampling",
  source: `class Sampling(nn.Module):
    """A VAE's reparameterisation: mean + exp(log_var / 2) * noise while training (the mean otherwise).
    Keeps kl_weight * KL(N(mean, exp(log_var)) || N(0, 1)) as added_loss, which train_step adds to the loss."""

    def __init__(self, kl_weight=1.0):
        super().__init__()
        self.kl_weight = kl_weight
        self.added_loss = torch.zeros(())

    def forward(self, mean, log_var):
        if not self.training:
            self.added_loss = torch.zeros((), device=mean.device)
            return mean
        kl = -0.5 * torch.sum(1 + log_var - mean.pow(2) - log_var.exp(), dim=-1)
        self.added_loss = self.kl_weight * kl.mean()
        return mean + torch.exp(0.5 * log_var) * torch.randn_like(mean)`,
};

const KERAS_SAMPLING = {
  name: "Sampling",
  source: `class Sampling(layers.Layer):
    """A VAE's reparameterisation: mean + exp(log_var / 2) * noise while training (the mean otherwise),
    adding kl_weight * KL(N(mean, exp(log_var)) || N(0, 1)) to the model's loss."""

    def __init__(self, kl_weight=1.0, **kwargs):
        super().__init__(**kwargs)
        self.kl_weight = kl_weight
        self.seed_generator = keras.random.SeedGenerator(0)

    def call(self, inputs, training=None):
        mean, log_var = inputs
        if not training:
            return mean
        kl = -0.5 * ops.sum(1 + log_var - ops.square(mean) - ops.exp(log_var), axis=-1)
        self.add_loss(self.kl_weight * ops.mean(kl))
        return mean + ops.exp(0.5 * log_var) * keras.random.normal(ops.shape(mean), seed=self.seed_generator)`,
};

export const sampling = defineLayer({
  type: "Sampling",
  label: "Sampling (VAE)",
  category: "core",
  description: "A variational autoencoder's latent draw from a mean (input 1) and log-variance (input 2), adding their KL divergence to the loss.",
  params: z.strictObject({
    klWeight: z.number().min(0).max(100).default(1).describe("Weight of the KL divergence term in the loss (β of a β-VAE)"),
  }),
  inputs: { min: 2, max: 2 },
  inferShape: (shapes) => {
    const [mean, logVar] = shapes;
    if (!mean || !logVar) throw new ShapeError("needs a mean (input 1) and a log-variance (input 2)");
    if (mean.length !== logVar.length || mean.some((d, i) => d !== logVar[i])) {
      throw new ShapeError(`the mean and log-variance must have the same shape: got ${formatShape(mean)} and ${formatShape(logVar)}`);
    }
    return mean;
  },
  paramCount: () => 0,
  // Noise, exp, multiply, add per element, and the KL term's five operations.
  flops: (shapes) => 9 * elementwiseFlops(firstInput(shapes)),
  build: ({ tf, params, inputs, name, seed }) => applyLayer(new (customLayers(tf).CyxSampling)({ klWeight: params.klWeight, seed, name }), inputs),
  codegen: {
    pytorch: ({ params }) => ({ module: `Sampling(kl_weight=${params.klWeight})`, helpers: [PYTORCH_SAMPLING], forward: ([mean, logVar], self) => `${self}(${mean}, ${logVar})`, addsLoss: true }),
    keras: ({ params }) => ({ layer: pyCall("Sampling", [], { kl_weight: params.klWeight }), helpers: [KERAS_SAMPLING] }),
    tfjs: ({ params }) => ({ layer: `new CyxSampling({ klWeight: ${params.klWeight} })`, helpers: TFJS_SOURCES.sampling }),
  },
  example: { inputs: [{ shape: [4] }, { shape: [4] }] },
});
