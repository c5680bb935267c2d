"""Expected values for layers.MinibatchStdDev and MinibatchDiscrimination.

Run once with PyTorch (float64) to regenerate minibatch.json:

    /usr/bin/python3 layers/testdata/gen_minibatch.py

MinibatchStdDev follows ProGAN's minibatch_stddev_layer (groups of G
samples, n = g·M + m in group m, biased variance, √(var + 1e-8), mean over
channels and pixels, tiled and concatenated as a channel), for images with
groups of 2 and of the whole batch, and for (N, F) features.
MinibatchDiscrimination follows the improved-GAN code without its bias:
M = x·T, c_b(i,j) = exp(−Σ_k |M_ibk − M_jbk|), o_ib = Σ_{j≠i} c_b(i,j).
Each case records the output and the gradients of L = Σ y ⊙ w_out.
"""
import json
import os

import torch

torch.set_default_dtype(torch.float64)
torch.manual_seed(1710_10196)


def flat(t):
    return t.detach().reshape(-1).tolist()


def stddev(x, group, eps=1e-8):
    n = x.shape[0]
    g = n if group == 0 or group >= n else group
    y = x.reshape(g, -1, *x.shape[1:])           # (G, M, ...)
    y = y - y.mean(0, keepdim=True)
    y = (y * y).mean(0)                           # (M, ...) biased
    y = torch.sqrt(y + eps)
    y = y.mean(dim=tuple(range(1, y.dim())), keepdim=True)  # (M, 1, ...)
    y = y.repeat(g, 1, *x.shape[2:]) if x.dim() == 4 else y.repeat(g, 1)
    return torch.cat([x, y], 1)


def discrimination(x, t):
    a, b, k = t.shape
    m = (x @ t.reshape(a, b * k)).reshape(-1, b, k)
    d = (m.unsqueeze(1) - m.unsqueeze(0)).abs().sum(3)  # (N, N, B)
    c = torch.exp(-d)
    n = x.shape[0]
    o = (c * (1 - torch.eye(n)).unsqueeze(2)).sum(1)
    return torch.cat([x, o], 1)


def record(fn, inputs):
    vs = [t.clone().requires_grad_(True) for t in inputs]
    y = fn(*vs)
    w_out = torch.randn_like(y)
    grads = torch.autograd.grad((y * w_out).sum(), vs)
    return {"inputs": [flat(t) for t in inputs], "shapes": [list(t.shape) for t in inputs],
            "y": flat(y), "y_shape": list(y.shape), "w_out": flat(w_out),
            "grads": [flat(g) for g in grads]}


out = {"stddev": [], "discrimination": None}
for name, shape, group in [("image group 2", (4, 3, 2, 2), 2),
                           ("image whole batch", (3, 2, 2, 3), 0),
                           ("features", (5, 4), 0)]:
    x = torch.randn(*shape)
    rec = record(lambda v: stddev(v, group), [x])
    rec.update(name=name, group=group)
    out["stddev"].append(rec)

x = torch.randn(4, 3)
t = torch.randn(3, 5, 2) * 0.5
out["discrimination"] = record(discrimination, [x, t])

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "minibatch.json")
with open(path, "w") as fh:
    json.dump(out, fh, indent=1)
    fh.write("\n")
print("wrote", path)
