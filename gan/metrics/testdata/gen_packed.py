"""Reference values for metrics.PackedTotalVariation, from PyTorch in float64.

Run once to regenerate packed.json:

    /usr/bin/python3 gan/metrics/testdata/gen_packed.py

Each value is the total variation distance between the m-fold products of
two discrete distributions, computed by brute force over all K^m ordered
tuples (torch.cartesian_prod of the atom indices), independently of the Go
code's sum over count vectors.
"""
import json
import os

import torch

torch.set_default_dtype(torch.float64)
torch.manual_seed(1712_04086)


def packed_tv(p, q, m):
    p, q = p / p.sum(), q / q.sum()
    idx = torch.arange(len(p))
    tuples = torch.cartesian_prod(*([idx] * m)) if m > 1 else idx.reshape(-1, 1)
    pp = p[tuples].prod(dim=1)
    qq = q[tuples].prod(dim=1)
    return 0.5 * (pp - qq).abs().sum().item()


cases = []
# Random pairs (unnormalised weights), including a zero weight.
for k, ms in [(3, [1, 2, 3, 4, 5]), (5, [1, 2, 3, 4]), (8, [1, 2, 3, 4])]:
    p = torch.rand(k) + 0.05
    q = torch.rand(k) + 0.05
    q[0] = 0.0
    for m in ms:
        cases.append({"p": p.tolist(), "q": q.tolist(), "m": m, "value": packed_tv(p, q, m)})

# Ring-8 against a generator that misses one mode (ε = 1/8) and against one
# that is off by the same total variation on every mode.
ring = torch.full((8,), 1 / 8)
missing = torch.tensor([0.0] + [1 / 7] * 7)
spread = torch.tensor([1.25 / 8] * 4 + [0.75 / 8] * 4)
for name, q in [("missing", missing), ("spread", spread)]:
    for m in [1, 2, 3, 4]:
        cases.append({"name": name, "p": ring.tolist(), "q": q.tolist(), "m": m, "value": packed_tv(ring, q, m)})

with open(os.path.join(os.path.dirname(__file__), "packed.json"), "w") as f:
    json.dump({"cases": cases}, f, indent=1)
