"""Reference values for gan/lipschitz.go, from PyTorch in float64.

Run once to regenerate lipschitz.json:

    /usr/bin/python3 gan/testdata/gen_lipschitz.py

A network Linear(2, 4) → ReLU → Linear(4, 3) → Tanh → Linear(3, 1) with
random weights (PyTorch's (out, in) layout): the per-sample input-gradient
norms by torch.autograd.grad, the slopes |f(a) − f(b)|/‖a − b‖ between
paired points, and the product of the weights' spectral norms by
torch.linalg.matrix_norm(ord=2).
"""
import json
import os

import torch

torch.set_default_dtype(torch.float64)
torch.manual_seed(1802_05957)

net = torch.nn.Sequential(torch.nn.Linear(2, 4), torch.nn.ReLU(), torch.nn.Linear(4, 3), torch.nn.Tanh(), torch.nn.Linear(3, 1))
x = torch.randn(6, 2, requires_grad=True)
(g,) = torch.autograd.grad(net(x).sum(), x)
a, b = torch.randn(6, 2), torch.randn(6, 2)
with torch.no_grad():
    slopes = (net(a) - net(b)).abs().squeeze(1) / (a - b).norm(dim=1)
    bound = 1.0
    for layer in net:
        if isinstance(layer, torch.nn.Linear):
            bound *= torch.linalg.matrix_norm(layer.weight, ord=2).item()

out = {
    "weights": [layer.weight.detach().reshape(-1).tolist() for layer in net if isinstance(layer, torch.nn.Linear)],
    "biases": [layer.bias.detach().tolist() for layer in net if isinstance(layer, torch.nn.Linear)],
    "x": x.detach().reshape(-1).tolist(),
    "grad_norms": g.norm(dim=1).tolist(),
    "a": a.reshape(-1).tolist(),
    "b": b.reshape(-1).tolist(),
    "max_slope": slopes.max().item(),
    "bound": bound,
}
with open(os.path.join(os.path.dirname(__file__), "lipschitz.json"), "w") as f:
    json.dump(out, f, indent=1)
