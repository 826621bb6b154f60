"""PyTorch-on-CPU reference for `npm run bench -- training` (bench/training.ts).

Trains the PyTorch modules that lib/codegen generated from the benchmark's model graphs, on the
very tensors the tfjs runs train on (float32 files written by the benchmark), with the same batch
size, samples per epoch and per-epoch shuffling, and prints one JSON document of epoch times.

Usage: /usr/bin/python3 bench/pytorch-reference.py CONFIG.json
CONFIG: {"threads", "seed", "batch_size", "epochs", "count", "x": path, "x_shape", "y": path,
         "y_shape", "models": [{"name", "file"}]}
"""
import importlib.util
import json
import sys
import time

import numpy as np
import torch


def load_module(name, file):
    spec = importlib.util.spec_from_file_location(f"generated_{name}", file)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main():
    config = json.load(open(sys.argv[1]))
    torch.set_num_threads(config["threads"])
    count = config["count"]
    x = torch.from_numpy(np.fromfile(config["x"], dtype=np.float32).reshape([count, *config["x_shape"]]))
    y = torch.from_numpy(np.fromfile(config["y"], dtype=np.float32).reshape([count, *config["y_shape"]]))
    batch = config["batch_size"]
    runs = []
    for entry in config["models"]:
        # Seeded before the module builds its model, so that initial weights and shuffles repeat.
        torch.manual_seed(config["seed"])
        module = load_module(entry["name"], entry["file"])
        params = sum(p.numel() for p in module.model.parameters() if p.requires_grad)
        epoch_ms = []
        for _ in range(config["epochs"]):
            started = time.perf_counter()
            # A fresh permutation each epoch, batches gathered from it, as lib/train/train-loop.ts does.
            perm = torch.randperm(count)
            for b in range(0, count, batch):
                idx = perm[b : b + batch]
                # train_step reads the loss back (loss.item()), as tfjs's trainOnBatch does.
                module.train_step([x[idx]], y[idx])
            epoch_ms.append((time.perf_counter() - started) * 1000)
        runs.append({"model": entry["name"], "trainable_params": params, "epoch_ms": epoch_ms})
    print(json.dumps({"framework": f"PyTorch {torch.__version__} (CPU)", "threads": torch.get_num_threads(), "runs": runs}))


if __name__ == "__main__":
    main()
