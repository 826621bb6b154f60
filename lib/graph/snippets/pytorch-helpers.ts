import type { Helper } from "../layer";

/**
 * Python helpers shared by several layers' PyTorch code. Generated models keep tensors
 * channels-last (as Keras and tfjs do); these adapt PyTorch's channels-first layers and
 * reproduce TensorFlow's "same" padding.
 */
export const CHANNELS_LAST: Helper = {
  name: "ChannelsLast",
  source: `class ChannelsLast(nn.Module):
    """Runs a channels-first PyTorch layer on a channels-last tensor."""

    def __init__(self, layer):
        super().__init__()
        self.layer = layer

    def forward(self, x):
        return self.layer(x.movedim(-1, 1)).movedim(1, -1)`,
};

export const SAME_PADDED: Helper = {
  name: "SamePadded",
  source: `class SamePadded(nn.Module):
    """Pads a channels-first tensor as TensorFlow's padding="same" does (the odd pixel goes after), then applies the layer."""

    def __init__(self, layer, kernel, stride, value=0.0, mask=False):
        super().__init__()
        self.layer, self.kernel, self.stride, self.value, self.mask = layer, kernel, stride, value, mask

    def pad(self, x, value):
        pads = []
        for size, k, s in reversed(list(zip(x.shape[2:], self.kernel, self.stride))):
            total = max((math.ceil(size / s) - 1) * s + k - size, 0)
            pads += [total // 2, total - total // 2]
        return F.pad(x, pads, value=value)

    def forward(self, x):
        out = self.layer(self.pad(x, self.value))
        if self.mask:  # average pooling: padded cells do not count
            out = out / self.layer(self.pad(torch.ones_like(x[:, :1]), 0.0))
        return out`,
};

export const CROP_2D: Helper = {
  name: "Crop2d",
  source: `class Crop2d(nn.Module):
    """Crops the spatial borders of a channels-first tensor (TensorFlow's "same" transposed convolution)."""

    def __init__(self, top, bottom, left, right):
        super().__init__()
        self.top, self.bottom, self.left, self.right = top, bottom, left, right

    def forward(self, x):
        h, w = x.shape[-2], x.shape[-1]
        return x[..., self.top : h - self.bottom, self.left : w - self.right]`,
};

/**
 * Recurrent layers with Keras/tfjs semantics: one bias per gate (PyTorch's own have two), gates
 * in Keras order, GRU with reset_after=False (all tfjs supports). Parameter counts match Keras.
 */
export const KERAS_RECURRENT: Helper = {
  name: "KerasRecurrent",
  source: `class KerasRecurrent(nn.Module):
    """SimpleRNN, LSTM or GRU as Keras computes them, on (batch, time, features) tensors."""

    GATES = {"SimpleRNN": 1, "LSTM": 4, "GRU": 3}

    def __init__(self, cell, input_size, units, return_sequences=False, go_backwards=False):
        super().__init__()
        self.cell, self.units = cell, units
        self.return_sequences, self.go_backwards = return_sequences, go_backwards
        gates = self.GATES[cell]
        self.kernel = nn.Linear(input_size, gates * units)
        if cell == "GRU":
            self.recurrent = nn.Linear(units, 2 * units, bias=False)
            self.recurrent_candidate = nn.Linear(units, units, bias=False)
        else:
            self.recurrent = nn.Linear(units, gates * units, bias=False)

    def step(self, x, h, c):
        if self.cell == "SimpleRNN":
            return torch.tanh(self.kernel(x) + self.recurrent(h)), c
        if self.cell == "LSTM":
            i, f, g, o = (self.kernel(x) + self.recurrent(h)).chunk(4, dim=-1)
            c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
            return torch.sigmoid(o) * torch.tanh(c), c
        xz, xr, xh = self.kernel(x).chunk(3, dim=-1)
        hz, hr = self.recurrent(h).chunk(2, dim=-1)
        z, r = torch.sigmoid(xz + hz), torch.sigmoid(xr + hr)
        candidate = torch.tanh(xh + self.recurrent_candidate(r * h))
        return z * h + (1 - z) * candidate, c

    def forward(self, x):
        steps = x.flip(1) if self.go_backwards else x
        h = x.new_zeros(x.shape[0], self.units)
        c = h
        outputs = []
        for t in range(steps.shape[1]):
            h, c = self.step(steps[:, t], h, c)
            outputs.append(h)
        return torch.stack(outputs, 1) if self.return_sequences else h`,
};

export const BIDIRECTIONAL: Helper = {
  name: "Bidirectional",
  source: `class Bidirectional(nn.Module):
    """Runs a recurrent layer forwards and backwards and merges the two, as Keras's Bidirectional does."""

    def __init__(self, forward_layer, backward_layer, merge_mode="concat"):
        super().__init__()
        self.forward_layer, self.backward_layer, self.merge_mode = forward_layer, backward_layer, merge_mode

    def forward(self, x):
        a = self.forward_layer(x)
        b = self.backward_layer(x)
        if self.backward_layer.return_sequences:
            b = b.flip(1)
        if self.merge_mode == "concat":
            return torch.cat([a, b], dim=-1)
        if self.merge_mode == "sum":
            return a + b
        if self.merge_mode == "mul":
            return a * b
        return (a + b) / 2`,
};

export const PRELU_LAST: Helper = {
  name: "PReLULast",
  source: `class PReLULast(nn.Module):
    """PReLU with one learned slope per channel of a channels-last tensor (Keras shared_axes over all others)."""

    def __init__(self, channels):
        super().__init__()
        self.alpha = nn.Parameter(torch.zeros(channels))

    def forward(self, x):
        return torch.where(x >= 0, x, self.alpha * x)`,
};
