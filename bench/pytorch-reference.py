"""PyTorch-on-CPU reference for `npm run bench -- training` (bench/training.ts).

For each benchmark model it trains two PyTorch versions on the very tensors the tfjs runs train on
(float32 files written by the benchmark), with the same batch size, samples per epoch, per-epoch
shuffling and optimiser:
- "generated": the module lib/codegen generates from the model graph (what a user exports:
  channels-last tensors moved to channels-first around each layer, softmax then a hand-written
  cross-entropy, as the graph says);
- "idiomatic": the same layers written the way PyTorch is usually written (channels-first input,
  nn.CrossEntropyLoss on logits, no softmax layer), built from the graph's analysed layers.
It also times a 1024x1024 matmul on both of PyTorch's CPU paths, the thread count's ceiling. Prints one JSON document.

Usage: /usr/bin/python3 bench/pytorch-reference.py CONFIG.json
CONFIG: {"threads", "seed", "batch_size", "learning_rate", "epochs", "count", "x": path, "x_shape",
         "y": path, "y_shape", "models": [{"name", "file", "layers": [{"type", "params", "input_shape"}]}]}
"""
import importlib.util
import json
import sys
import time

import numpy as np
import torch
from torch import nn

MATMUL_SIDE = 1024


def load_module(name, file):
    spec = importlib.util.spec_from_file_location(f"generated_{name}", file)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def activation(name, layer_type):
    if name in (None, "linear"):
        return []
    if name == "relu":
        return [nn.ReLU()]
    raise ValueError(f"the idiomatic reference has no {name} activation for {layer_type}")


def idiomatic_model(layers):
    """The graph's layers as one nn.Sequential on channels-first tensors, ending in logits."""
    modules = []
    for i, layer in enumerate(layers):
        kind, params, shape = layer["type"], layer["params"], layer["input_shape"]
        at_end = all(later["type"] in ("Softmax", "Output") for later in layers[i + 1 :])
        if kind in ("Input", "Output") or (kind == "Softmax" and at_end):
            continue
        if kind == "Conv2D":
            modules.append(nn.Conv2d(shape[-1], params["filters"], params["kernelSize"], stride=params["strides"], padding=params["padding"], bias=params["useBias"]))
            modules += activation(params["activation"], kind)
        elif kind == "MaxPool2D" and params["padding"] == "valid":
            modules.append(nn.MaxPool2d(params["poolSize"], stride=params["strides"]))
        elif kind == "Flatten":
            modules.append(nn.Flatten())
        elif kind == "Dropout":
            modules.append(nn.Dropout(params["rate"]))
        elif kind == "Dense":
            modules.append(nn.Linear(shape[-1], params["units"], bias=params["useBias"]))
            if not (params["activation"] == "softmax" and at_end):
                modules += activation(params["activation"], kind)
        else:
            raise ValueError(f"the idiomatic reference cannot build {kind} {params}")
    return nn.Sequential(*modules)


def time_epochs(config, step, x, y):
    count, batch = config["count"], config["batch_size"]
    epoch_ms = []
    for _ in range(config["epochs"]):
        started = time.perf_counter()
        # A fresh permutation each epoch, batches gathered from it, as lib/train/train-loop.ts does.
        perm = torch.randperm(count)
        for b in range(0, count, batch):
            idx = perm[b : b + batch]
            step(x[idx], y[idx])
        epoch_ms.append((time.perf_counter() - started) * 1000)
    return epoch_ms


def trainable(model):
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def generated_run(config, entry, x, y):
    # Seeded before the module builds its model, so that initial weights and shuffles repeat.
    torch.manual_seed(config["seed"])
    module = load_module(entry["name"], entry["file"])
    # train_step reads the loss back (loss.item()), as tfjs's trainOnBatch does.
    epoch_ms = time_epochs(config, lambda xb, yb: module.train_step([xb], yb), x, y)
    return {"model": entry["name"], "variant": "generated", "trainable_params": trainable(module.model), "epoch_ms": epoch_ms}


def idiomatic_run(config, entry, x, y):
    torch.manual_seed(config["seed"])
    model = idiomatic_model(entry["layers"])
    optimizer = torch.optim.Adam(model.parameters(), lr=config["learning_rate"])
    criterion = nn.CrossEntropyLoss()
    # Images as PyTorch keeps them (N, C, H, W) and targets as class indices, prepared once like a DataLoader's dataset.
    x = x.permute(0, 3, 1, 2).contiguous() if x.dim() == 4 else x
    y = y.argmax(1)

    def step(xb, yb):
        model.train()
        optimizer.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        optimizer.step()
        return loss.item()

    return {"model": entry["name"], "variant": "idiomatic", "trainable_params": trainable(model), "epoch_ms": time_epochs(config, step, x, y)}


def best_gflops(op, flops):
    best = float("inf")
    for i in range(8):
        started = time.perf_counter()
        op()
        # The first two pay for allocation and warming the thread pool.
        if i >= 2:
            best = min(best, time.perf_counter() - started)
    return flops / best / 1e9


def matmul_gflops():
    """A 1024x1024x1024 float32 product two ways: torch.mm goes to the BLAS PyTorch was linked
    with (nn.Linear's path; Debian's is netlib's reference BLAS), a 1x1 convolution of the same
    shape to oneDNN (the 5x5 convolutions' path; called directly, since PyTorch sends a 1x1
    convolution on one thread to im2col and the BLAS)."""
    side = MATMUL_SIDE
    a, b = torch.rand(side, side), torch.rand(side, side)
    image, weight = torch.rand(1, side, 32, side // 32), torch.rand(side, side, 1, 1)
    with torch.no_grad():
        return {"blas_mm": best_gflops(lambda: torch.mm(a, b), 2 * side**3), "onednn_1x1_conv": best_gflops(lambda: torch.mkldnn_convolution(image, weight, None, [0, 0], [1, 1], [1, 1], 1), 2 * side**3)}


def main():
    config = json.load(open(sys.argv[1]))
    torch.set_num_threads(config["threads"])
    count = config["count"]
    x = torch.from_numpy(np.fromfile(config["x"], dtype=np.float32).reshape([count, *config["x_shape"]]))
    y = torch.from_numpy(np.fromfile(config["y"], dtype=np.float32).reshape([count, *config["y_shape"]]))
    gflops = matmul_gflops()
    runs = []
    for entry in config["models"]:
        runs.append(generated_run(config, entry, x, y))
        runs.append(idiomatic_run(config, entry, x, y))
    print(json.dumps({"framework": f"PyTorch {torch.__version__} (CPU)", "threads": torch.get_num_threads(), "matmul_gflops": gflops, "runs": runs}))


if __name__ == "__main__":
    main()
